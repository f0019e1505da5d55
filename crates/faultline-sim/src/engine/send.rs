//! Sending a message: the network's verdict (latency, loss, duplication,
//! a crash on send) carried out in the loop's `Sim`: its flights recorded
//! and their arrival or loss scheduled.

use super::network::Crash;
use super::sim::{Event, Sim};
use crate::actor::ActorId;
use crate::fault::NetAction;
use crate::message::{Mark, MsgClass};
use crate::trace::{Fate, Flight, LazyMessage};

/// What `Sim::send` did with a message.
pub(super) struct Sent {
    /// Flights that will arrive (0: lost, 2: duplicated); the caller keeps
    /// the payload once per flight, `None` for a lost one.
    pub copies: u8,
    /// An actor the send crashes (`CrashOnSend`), for the caller to crash
    /// once the payloads are kept.
    pub crash: Option<Crash>,
}

impl Sim {
    /// Put a message on the wire with the latency and fate the network
    /// gives it: records its flight (two if duplicated) and schedules its
    /// arrival or loss. `message` is empty in lean runs.
    pub(super) fn send(
        &mut self,
        from: ActorId,
        to: ActorId,
        (class, mark): (MsgClass, Mark),
        message: LazyMessage,
    ) -> Sent {
        let routing = self.net.route(
            &self.scenario,
            &self.names,
            &mut self.rng,
            self.now,
            from,
            to,
            class,
        );
        let id = self.rec.flights.len() as u32;
        #[cfg(feature = "explore")]
        if matches!(routing.action, Some((_, super::network::SCRIPTED))) {
            self.net.claimed.push(id);
        }
        let flight = Flight {
            id,
            from,
            to,
            sent_at: self.now,
            arrives_at: self.now + routing.latency,
            send_step: self.rec.next_step(),
            fate: Fate::InFlight,
            class,
            mark,
            message,
            note: None,
            duplicate_of: None,
        };
        let copies = self.launch(flight, routing.action);
        Sent {
            copies,
            crash: routing.crash,
        }
    }

    /// Schedule a flight's arrival (or its loss) as the network's action
    /// says, with a note on what the network did, and record it (and its
    /// duplicate). Returns how many copies will arrive.
    fn launch(&mut self, mut flight: Flight, action: Option<(NetAction, &'static str)>) -> u8 {
        let (id, detail) = (flight.id, self.rec.detail);
        match action {
            Some((NetAction::Drop, why)) => {
                flight.note = detail.then(|| format!("lost in the network ({why})"));
                flight.fate = Fate::Dropped;
                self.push(flight.arrives_at, Event::Lost(id));
                self.rec.flights.push(flight);
                0
            }
            Some((NetAction::Delay { ms }, why)) => {
                flight.arrives_at = flight.arrives_at.saturating_add(ms);
                flight.note = detail.then(|| format!("delayed {ms} ms ({why})"));
                self.push(flight.arrives_at, Event::Deliver(id));
                self.rec.flights.push(flight);
                1
            }
            Some((NetAction::Duplicate, why)) => {
                let extra = self.net.duplicate_extra(&mut self.rng);
                let mut copy = flight.clone();
                copy.id = id + 1;
                copy.arrives_at = flight.arrives_at + extra;
                copy.duplicate_of = Some(id);
                copy.note = detail.then(|| format!("a duplicate made by the network ({why})"));
                flight.note = detail.then(|| "the network will deliver this message twice".into());
                self.push(flight.arrives_at, Event::Deliver(id));
                self.push(copy.arrives_at, Event::Deliver(id + 1));
                self.rec.flights.push(flight);
                self.rec.flights.push(copy);
                2
            }
            None => {
                self.push(flight.arrives_at, Event::Deliver(id));
                self.rec.flights.push(flight);
                1
            }
        }
    }
}
