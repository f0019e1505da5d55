//! The layered structure: back edges reversed, states ranked, edges cut
//! into dummies (one per rank they cross, one of them carrying the label),
//! and the order of each rank chosen by barycentre sweeps to reduce
//! crossings.

use crate::Graph;

/// What a node of the layered graph stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    State(usize),
    /// A point an edge passes through.
    Dummy,
    /// The point of an edge where its label sits (to the point's right).
    Label,
}

#[derive(Clone, Debug)]
pub struct Node {
    pub rank: usize,
    pub kind: Kind,
}

/// One edge cut into nodes, top to bottom (its two states at the ends).
#[derive(Clone, Debug)]
pub struct Chain {
    pub edge: usize,
    /// The edge points upwards (it was reversed to break a cycle).
    pub reversed: bool,
    pub nodes: Vec<usize>,
}

#[derive(Clone, Debug)]
pub struct Layered {
    pub nodes: Vec<Node>,
    /// Node ids of each rank, in drawing order. States sit on even ranks,
    /// labels and dummies between them on odd ranks.
    pub ranks: Vec<Vec<usize>>,
    pub chains: Vec<Chain>,
    /// Self-loops of each state (edge indices).
    pub loops: Vec<Vec<usize>>,
}

/// Edges that close a cycle in a depth-first search from the initial
/// state (then from the others, in order).
fn back_edges(g: &Graph) -> Vec<bool> {
    let n = g.nodes.len();
    let mut state = vec![0u8; n]; // 0 new, 1 on the stack, 2 done
    let mut back = vec![false; g.edges.len()];
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        // Iterative DFS: (node, next edge index to look at).
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            let found = (*next..g.edges.len()).find(|&e| g.edges[e].0 == v && g.edges[e].1 != v);
            match found {
                Some(e) => {
                    *next = e + 1;
                    let w = g.edges[e].1;
                    match state[w] {
                        0 => {
                            state[w] = 1;
                            stack.push((w, 0));
                        }
                        1 => back[e] = true,
                        _ => {}
                    }
                }
                None => {
                    state[v] = 2;
                    stack.pop();
                }
            }
        }
    }
    back
}

/// Longest-path rank of each state over the edges pointing down.
fn state_ranks(g: &Graph, down: &[(usize, usize)]) -> Vec<usize> {
    let n = g.nodes.len();
    let mut rank = vec![0usize; n];
    // Relax until stable: the graph is acyclic, so at most n rounds.
    for _ in 0..n {
        let mut changed = false;
        for &(a, b) in down {
            if rank[b] < rank[a] + 1 {
                rank[b] = rank[a] + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    rank
}

/// Build the layered graph. `label_w(e)` is the width edge `e`'s label
/// needs, used to spread labels over the ranks a long edge crosses.
pub fn build(g: &Graph, label_w: &dyn Fn(usize) -> f64) -> Layered {
    let back = back_edges(g);
    let mut down = Vec::new(); // (edge, top state, bottom state, reversed)
    let mut loops = vec![Vec::new(); g.nodes.len()];
    for (e, &(a, b, _)) in g.edges.iter().enumerate() {
        if a == b {
            loops[a].push(e);
        } else if back[e] {
            down.push((e, b, a, true));
        } else {
            down.push((e, a, b, false));
        }
    }
    let pairs: Vec<(usize, usize)> = down.iter().map(|d| (d.1, d.2)).collect();
    let srank = state_ranks(g, &pairs);
    let top = srank.iter().copied().max().unwrap_or(0) * 2;
    let mut nodes: Vec<Node> = (0..g.nodes.len())
        .map(|i| Node {
            rank: srank[i] * 2,
            kind: Kind::State(i),
        })
        .collect();

    // Short edges first: they have no choice of label rank.
    let mut order: Vec<usize> = (0..down.len()).collect();
    order.sort_by_key(|&k| (srank[down[k].2] - srank[down[k].1], k));
    let mut label_load = vec![0.0f64; top + 1];
    let mut chains = vec![None; down.len()];
    for k in order {
        let (e, a, b, reversed) = down[k];
        let (ra, rb) = (srank[a] * 2, srank[b] * 2);
        let mid = (ra + rb) as f64 / 2.0;
        let best = (ra + 1..rb)
            .step_by(2)
            .min_by(|&x, &y| {
                let kx = (label_load[x], (x as f64 - mid).abs());
                let ky = (label_load[y], (y as f64 - mid).abs());
                kx.partial_cmp(&ky).unwrap_or(std::cmp::Ordering::Equal)
            })
            .unwrap_or(ra + 1);
        label_load[best] += label_w(e);
        let mut chain = vec![a];
        for r in ra + 1..rb {
            let kind = if r == best { Kind::Label } else { Kind::Dummy };
            nodes.push(Node { rank: r, kind });
            chain.push(nodes.len() - 1);
        }
        chain.push(b);
        chains[k] = Some(Chain {
            edge: e,
            reversed,
            nodes: chain,
        });
    }
    let chains: Vec<Chain> = chains.into_iter().flatten().collect();
    let mut ranks = vec![Vec::new(); top + 1];
    for (id, n) in nodes.iter().enumerate() {
        ranks[n.rank].push(id);
    }
    let mut l = Layered {
        nodes,
        ranks,
        chains,
        loops,
    };
    reduce_crossings(&mut l);
    l
}

/// Neighbours of every node in the rank above and the rank below.
pub fn neighbours(l: &Layered) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let mut up = vec![Vec::new(); l.nodes.len()];
    let mut dn = vec![Vec::new(); l.nodes.len()];
    for c in &l.chains {
        for w in c.nodes.windows(2) {
            dn[w[0]].push(w[1]);
            up[w[1]].push(w[0]);
        }
    }
    (up, dn)
}

fn crossings(l: &Layered, pos: &[usize], dn: &[Vec<usize>]) -> usize {
    let mut total = 0;
    for r in 0..l.ranks.len().saturating_sub(1) {
        let segs: Vec<(usize, usize)> = l.ranks[r]
            .iter()
            .flat_map(|&a| dn[a].iter().map(move |&b| (a, b)))
            .map(|(a, b)| (pos[a], pos[b]))
            .collect();
        for i in 0..segs.len() {
            for j in i + 1..segs.len() {
                let (a, b) = (segs[i], segs[j]);
                if (a.0 < b.0 && a.1 > b.1) || (a.0 > b.0 && a.1 < b.1) {
                    total += 1;
                }
            }
        }
    }
    total
}

/// Barycentre sweeps, down and up, keeping the order with fewest crossings.
fn reduce_crossings(l: &mut Layered) {
    let (up, dn) = neighbours(l);
    let mut pos = vec![0usize; l.nodes.len()];
    let index = |l: &Layered, pos: &mut Vec<usize>| {
        for rank in &l.ranks {
            for (i, &v) in rank.iter().enumerate() {
                pos[v] = i;
            }
        }
    };
    index(l, &mut pos);
    let mut best = (crossings(l, &pos, &dn), l.ranks.clone());
    for round in 0..16 {
        let downward = round % 2 == 0;
        let order: Vec<usize> = if downward {
            (1..l.ranks.len()).collect()
        } else {
            (0..l.ranks.len().saturating_sub(1)).rev().collect()
        };
        for r in order {
            let adj = if downward { &up } else { &dn };
            let mut keyed: Vec<(f64, usize)> = l.ranks[r]
                .iter()
                .map(|&v| {
                    let ns = &adj[v];
                    let key = if ns.is_empty() {
                        pos[v] as f64
                    } else {
                        ns.iter().map(|&n| pos[n] as f64).sum::<f64>() / ns.len() as f64
                    };
                    (key, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
            l.ranks[r] = keyed.into_iter().map(|k| k.1).collect();
            for (i, &v) in l.ranks[r].iter().enumerate() {
                pos[v] = i;
            }
        }
        let c = crossings(l, &pos, &dn);
        if c < best.0 {
            best = (c, l.ranks.clone());
        }
    }
    l.ranks = best.1;
}
