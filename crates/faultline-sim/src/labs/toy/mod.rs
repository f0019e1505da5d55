//! A minimal lab that exists only to prove the lab seam (cargo feature
//! `testlab`, enabled by the tests, never in the web build): two actors,
//! one state machine, one table, one preset, one choice setting. A switch
//! asks a lamp to turn on; the lamp answers. Opening it from its landing
//! card and playing it in the views needs no change to the app.

use crate::actor::{Actor, ActorId, Ctx, LabMsg, TimerKind};
use crate::lab::{always, ConfigField, FieldKind, InvariantInfo, Lab, LabInfo, Preset, TraceSoFar};
use crate::machine::{MachineState, StateMachine, Transition};
use crate::message::{Message, MsgClass};
use crate::rows::{RowChange, TableSchema};
use crate::scenario::{Config, ConfigValue, Scenario};

pub const ID: &str = "toy";
/// The toy lab's model version.
pub const MODEL_VERSION: u32 = 1;
const MODE: &str = "mode";

static LAMP: StateMachine = StateMachine {
    name: "Lamp",
    states: &["off", "on"],
    transitions: &[
        Transition::new("off", "switch_on", "on"),
        Transition::new("on", "switch_on", "on"),
    ],
};

static SWITCH: StateMachine = StateMachine {
    name: "Switch",
    states: &["idle", "waiting", "done"],
    transitions: &[
        Transition::new("idle", "press", "waiting"),
        Transition::new("waiting", "answered", "done"),
        Transition::new("waiting", "timeout", "idle"),
    ],
};

const LOG: TableSchema = TableSchema {
    title: "Lamp log",
    columns: &["#", "event"],
};

#[derive(Clone, Debug, Hash)]
pub enum ToyMsg {
    TurnOn { blink: bool },
    Done,
}

impl LabMsg for ToyMsg {
    fn class(&self) -> MsgClass {
        match self {
            ToyMsg::TurnOn { .. } => MsgClass::Request,
            ToyMsg::Done => MsgClass::Response,
        }
    }
    fn display(&self) -> Message {
        match self {
            ToyMsg::TurnOn { blink } => {
                Message::request("POST /lamp").form_field("blink", blink.to_string())
            }
            ToyMsg::Done => Message::response("200 OK").text("lamp on"),
        }
    }
    fn label(&self) -> String {
        match self {
            ToyMsg::TurnOn { .. } => "POST /lamp".into(),
            ToyMsg::Done => "200 OK".into(),
        }
    }
}

/// The lab's settings.
#[derive(Clone, Hash)]
pub struct ToySettings {
    blink: bool,
}

#[derive(Clone, Debug, Hash)]
pub enum ToyActor {
    Switch {
        machine: MachineState,
        presses: u32,
        blink: bool,
    },
    Lamp {
        machine: MachineState,
        log: Vec<String>,
        dirty: bool,
    },
}

impl Actor for ToyActor {
    type Msg = ToyMsg;

    fn name(&self) -> &str {
        match self {
            ToyActor::Switch { .. } => "switch",
            ToyActor::Lamp { .. } => "lamp",
        }
    }
    fn title(&self) -> String {
        match self {
            ToyActor::Switch { .. } => "Switch".into(),
            ToyActor::Lamp { .. } => "Lamp".into(),
        }
    }
    fn machine(&self) -> &MachineState {
        match self {
            ToyActor::Switch { machine, .. } | ToyActor::Lamp { machine, .. } => machine,
        }
    }
    fn on_start(&mut self, ctx: &mut Ctx<ToyMsg>) {
        if let ToyActor::Switch {
            machine,
            presses,
            blink,
        } = self
        {
            press(machine, presses, *blink, ctx);
        }
    }
    fn on_message(&mut self, from: ActorId, msg: ToyMsg, ctx: &mut Ctx<ToyMsg>) {
        match (self, msg) {
            (
                ToyActor::Lamp {
                    machine,
                    log,
                    dirty,
                },
                ToyMsg::TurnOn { blink },
            ) => {
                ctx.fire(machine, "switch_on");
                log.push(if blink { "on, blinking" } else { "on" }.to_string());
                *dirty = true;
                ctx.data_changed();
                ctx.say("The lamp turns on and answers.");
                ctx.send(from, ToyMsg::Done);
            }
            (ToyActor::Switch { machine, .. }, ToyMsg::Done) if machine.current == "waiting" => {
                ctx.cancel_timer(1);
                ctx.fire(machine, "answered");
                ctx.say("The switch hears that the lamp is on.");
            }
            _ => {}
        }
    }
    fn on_timer(&mut self, _tag: u32, ctx: &mut Ctx<ToyMsg>) {
        if let ToyActor::Switch {
            machine,
            presses,
            blink,
        } = self
        {
            ctx.fire(machine, "timeout");
            if *presses < 3 {
                press(machine, presses, *blink, ctx);
            }
        }
    }
    fn on_crash(&mut self) {
        if let ToyActor::Switch { machine, .. } = self {
            machine.reset();
        }
    }
    fn schema(&self) -> Vec<TableSchema> {
        match self {
            ToyActor::Lamp { .. } => vec![LOG],
            ToyActor::Switch { .. } => Vec::new(),
        }
    }
    fn changed_rows(&mut self, out: Option<&mut Vec<RowChange>>) {
        if let ToyActor::Lamp { log, dirty, .. } = self {
            if std::mem::take(dirty) {
                if let (Some(out), Some(last)) = (out, log.last()) {
                    out.push(RowChange::new(
                        LOG.title,
                        vec![log.len().to_string(), last.clone()],
                    ));
                }
            }
        }
    }
}

fn press(machine: &mut MachineState, presses: &mut u32, blink: bool, ctx: &mut Ctx<ToyMsg>) {
    *presses += 1;
    ctx.fire(machine, "press");
    ctx.send(1, ToyMsg::TurnOn { blink });
    ctx.set_timer(500, 1, TimerKind::Timeout, "timeout");
}

pub struct ToyLab;

impl Lab for ToyLab {
    type Actor = ToyActor;
    type Settings = ToySettings;

    fn info() -> LabInfo {
        LabInfo {
            id: ID,
            title: "Toy lamp (test lab)",
            tagline: "A switch asks a lamp to turn on.",
            model_version: MODEL_VERSION,
            default_preset: "flip",
            lab_faults: Vec::new(),
            config: vec![ConfigField {
                key: MODE,
                label: "Lamp mode",
                help: "How the lamp shines once it is on.",
                kind: FieldKind::Choice {
                    default: "steady",
                    options: &[("steady", "Steady"), ("blink", "Blinking")],
                },
            }],
            palette: Vec::new(),
            presets: vec![Preset {
                id: "flip",
                title: "Flip the switch",
                explanation: "The switch asks once and the lamp turns on.",
                scenario: || {
                    Scenario::new(ID, MODEL_VERSION, 1)
                        .with(MODE, ConfigValue::Choice("blink".into()))
                },
            }],
            invariants: vec![InvariantInfo {
                id: "lamp-answers",
                text: "The lamp never logs more turn-ons than the switch asked for.",
                not_checked: always,
            }],
            figures: crate::lab::no_figures,
            interviews: Vec::new(),
            comparisons: Vec::new(),
            compare_tables: &[],
        }
    }

    fn settings(info: &LabInfo, config: &Config) -> ToySettings {
        ToySettings {
            blink: info.choice(config, MODE) == "blink",
        }
    }

    fn build(settings: &ToySettings) -> Vec<ToyActor> {
        vec![
            ToyActor::Switch {
                machine: MachineState::new(&SWITCH),
                presses: 0,
                blink: settings.blink,
            },
            ToyActor::Lamp {
                machine: MachineState::new(&LAMP),
                log: Vec::new(),
                dirty: false,
            },
        ]
    }

    fn check(
        _settings: &ToySettings,
        actors: &[ToyActor],
        trace: &TraceSoFar<'_>,
    ) -> Vec<(&'static str, String)> {
        let asked = trace
            .flights
            .iter()
            .filter(|f| f.class == MsgClass::Request)
            .count();
        match &actors[1] {
            ToyActor::Lamp { log, .. } if log.len() > asked => vec![(
                "lamp-answers",
                format!(
                    "the lamp logged {} turn-ons for {asked} requests",
                    log.len()
                ),
            )],
            _ => Vec::new(),
        }
    }
}
