//! The random histories: one seed, one history of edits, merges and
//! rewrites by the writer and the approver.

use super::*;

/// Merge ledgers entry by entry against `base`; conflicts go to `prefer_ours`.
fn merge3(base: &[String], ours: &[String], theirs: &[String], prefer_ours: bool) -> Vec<String> {
    let find = |l: &[String], id: &str| l.iter().find(|e| id_of(e) == id).cloned();
    let mut ids: Vec<String> = Vec::new();
    for l in ours.iter().chain(theirs).chain(base) {
        let id = id_of(l).to_owned();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let mut out = Vec::new();
    for id in ids {
        let (b, o, t) = (find(base, &id), find(ours, &id), find(theirs, &id));
        let v = if o == t || t == b {
            o
        } else if o == b {
            t
        } else if prefer_ours {
            o
        } else {
            t
        };
        out.extend(v);
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Edit {
    Rewrite,
    Add,
    Remove,
    Reorder,
}

/// The random generator: one seed, one history.
struct Generator<'k> {
    h: History<'k>,
    rng: Rng,
}

impl<'k> Generator<'k> {
    fn attacker(&mut self) -> Who {
        let mut pool = vec![
            Who::Writer,
            Who::Writer,
            Who::Lookalike,
            Who::NameOnly,
            Who::Suffixed,
        ];
        if self.h.signed() {
            pool.extend([Who::Forger, Who::Forger, Who::Forger]);
        }
        self.rng.pick(&pool)
    }

    fn approver(&mut self) -> Who {
        if self.rng.chance(25) {
            Who::ApproverViaWriter
        } else {
            Who::Approver
        }
    }

    fn sign_for(&mut self, who: Who) -> Sign {
        if !self.h.signed() {
            Sign::No
        } else if who.is_approver() {
            if self.rng.chance(85) {
                Sign::ApproverKey
            } else {
                Sign::No
            }
        } else if self.rng.chance(30) {
            Sign::StrayKey
        } else {
            Sign::No
        }
    }

    /// A commit by `who`, with a signature and dates.
    fn by(&mut self, who: Who) -> By {
        let sign = self.sign_for(who);
        let dates = self.dates(who);
        By { who, sign, dates }
    }

    /// The approver (with `approver_percent`) or an attacker.
    fn someone(&mut self, approver_percent: usize) -> By {
        let who = if self.rng.chance(approver_percent) {
            self.approver()
        } else {
            self.attacker()
        };
        self.by(who)
    }

    /// Dates: in order for most commits; backdated, future or crossed ones
    /// for some, more often for attackers.
    fn dates(&mut self, who: Who) -> (i64, i64) {
        let (t, _) = self.h.tick();
        let odd = if who.is_approver() { 20 } else { 60 };
        if !self.rng.chance(odd) {
            return (t, t);
        }
        let back = t - (1 + self.rng.below(4000) as i64) * DAY;
        let future = START + (3650 + self.rng.below(4000) as i64) * DAY;
        match self.rng.below(4) {
            0 => (back, back),
            1 => (future, future),
            2 => (back, future),
            _ => (future, back),
        }
    }

    /// One random change of a ledger; what it did.
    fn edit(&mut self, ledger: &mut Vec<String>) -> String {
        let present: Vec<&str> = ledger.iter().map(|l| id_of(l)).collect();
        let absent: Vec<&str> = IDS
            .iter()
            .map(|(i, _)| *i)
            .filter(|i| !present.contains(i))
            .collect();
        let mut action = match self.rng.below(10) {
            0..4 => Edit::Rewrite,
            4..7 => Edit::Add,
            7..9 => Edit::Remove,
            _ => Edit::Reorder,
        };
        if ledger.is_empty() {
            action = Edit::Add;
        } else if (action == Edit::Add && absent.is_empty())
            || (action == Edit::Reorder && ledger.len() < 2)
        {
            action = Edit::Rewrite;
        }
        match action {
            Edit::Rewrite => {
                let i = self.rng.below(ledger.len());
                let id = id_of(&ledger[i]).to_owned();
                ledger[i] = self.h.fresh_entry(&id);
                format!("rewrite {}", label(&ledger[i]))
            }
            Edit::Add => {
                let id = self.rng.pick(&absent).to_owned();
                let line = self.h.fresh_entry(&id);
                let at = self.rng.below(ledger.len() + 1);
                ledger.insert(at, line);
                format!("add {}", label(&ledger[at]))
            }
            Edit::Remove => {
                let gone = ledger.remove(self.rng.below(ledger.len()));
                format!("remove {}", label(&gone))
            }
            Edit::Reorder => {
                for i in (1..ledger.len()).rev() {
                    let j = self.rng.below(i + 1);
                    ledger.swap(i, j);
                }
                "reorder".into()
            }
        }
    }

    /// A commit on `at` by the approver or an attacker that edits, restores
    /// or copies into the ledger.
    fn change(&mut self, at: usize, approver_percent: usize) -> usize {
        let by = self.someone(approver_percent);
        let roll = self.rng.below(100);
        let mut ledger = self.h.ledger(at);
        let what = if roll < 12 {
            // Restore an older commit's ledger blob.
            let old = self.rng.below(self.h.commits.len());
            match &self.h.commits[old].files.ledger {
                Some(l) => {
                    ledger = l.clone();
                    format!("restore the ledger of c{old}")
                }
                None => self.edit(&mut ledger),
            }
        } else if roll < 22 {
            // Copy one value from anywhere in the graph.
            let all: Vec<String> = self
                .h
                .commits
                .iter()
                .filter_map(|c| c.files.ledger.as_ref())
                .flatten()
                .filter(|e| !ledger.contains(e))
                .cloned()
                .collect();
            if all.is_empty() {
                self.edit(&mut ledger)
            } else {
                let line = all[self.rng.below(all.len())].clone();
                let what = format!("copy {}", label(&line));
                match ledger.iter().position(|e| id_of(e) == id_of(&line)) {
                    Some(i) => ledger[i] = line,
                    None => ledger.push(line),
                }
                what
            }
        } else {
            let mut what = self.edit(&mut ledger);
            if self.rng.chance(25) {
                what = format!("{what}, {}", self.edit(&mut ledger));
            }
            what
        };
        self.h.ledger_commit(at, ledger, by, what)
    }

    /// Merge `others` into the PR head.
    fn merge(&mut self, others: &[usize]) {
        let tip = self.h.pr;
        let mut ledger = self.h.ledger(tip);
        let strategy = self.rng.below(4);
        let mut what = String::from("merge");
        for &o in others {
            write!(what, " c{o}").unwrap();
            let theirs = self.h.ledger(o);
            let base = self
                .h
                .merge_base(tip, o)
                .map(|b| self.h.ledger(b))
                .unwrap_or_default();
            ledger = match strategy {
                0 => merge3(&base, &ledger, &theirs, true),
                1 => merge3(&base, &ledger, &theirs, false),
                2 => ledger,
                _ => merge3(&base, &ledger, &theirs, self.rng.chance(50)),
            };
        }
        what.push_str(match strategy {
            0 => " -X ours",
            1 => " -X theirs",
            2 => " -s ours",
            _ => " resolved by hand",
        });
        if strategy == 3 {
            let id = self.rng.pick(&IDS).0;
            let line = self.h.fresh_entry(id);
            write!(what, ", inventing {}", label(&line)).unwrap();
            match ledger.iter().position(|e| id_of(e) == id) {
                Some(i) => ledger[i] = line,
                None => ledger.push(line),
            }
        }
        if others.iter().any(|&o| self.h.merge_base(tip, o).is_none()) {
            what.push_str(" (--allow-unrelated-histories)");
        }
        let who = match self.rng.below(4) {
            0 | 1 => Who::Writer,
            2 => self.approver(),
            _ => self.attacker(),
        };
        let by = self.by(who);
        let mut parents = vec![tip];
        parents.extend_from_slice(others);
        let keep = !ledger.is_empty()
            || parents
                .iter()
                .any(|&p| self.h.commits[p].files.ledger.is_some());
        let files = Files {
            ledger: keep.then_some(ledger),
            ..self.h.commits[tip].files.clone()
        };
        self.h.pr = self.h.commit(&parents, files, by, what);
    }

    fn side_branch(&mut self) {
        let fork = self.rng.below(self.h.commits.len());
        let mut tip = fork;
        for _ in 0..1 + self.rng.below(3) {
            tip = self.change(tip, 35);
        }
        let mut others = vec![tip];
        if self.rng.chance(15) {
            let extra = self.rng.below(self.h.commits.len());
            if extra != tip && extra != self.h.pr {
                others.push(extra);
            }
        }
        self.merge(&others);
    }

    fn orphan(&mut self) {
        let by = self.someone(35);
        let mut ledger = Vec::new();
        let mut what = String::from("orphan root:");
        let count = 1 + self.rng.below(3);
        for _ in 0..count {
            let id = self.rng.pick(&IDS).0;
            if ledger.iter().any(|e: &String| id_of(e) == id) {
                continue;
            }
            let known: Vec<String> = self
                .h
                .commits
                .iter()
                .filter_map(|c| c.files.ledger.as_ref())
                .flatten()
                .filter(|e| id_of(e) == id)
                .cloned()
                .collect();
            let line = if !known.is_empty() && self.rng.chance(40) {
                let line = known[self.rng.below(known.len())].clone();
                write!(what, " copy {}", label(&line)).unwrap();
                line
            } else {
                let line = self.h.fresh_entry(id);
                write!(what, " add {}", label(&line)).unwrap();
                line
            };
            ledger.push(line);
        }
        // Half the orphans carry the config and the first script too.
        let full = self.rng.chance(50);
        let files = Files {
            config: full,
            script: full.then_some(0),
            ledger: Some(ledger),
        };
        let root = self.h.commit(&[], files, by, what);
        self.merge(&[root]);
    }

    /// An approver's commit on the base; half the time it drops an entry.
    fn base_change(&mut self) {
        let who = self.approver();
        let by = self.by(who);
        let mut ledger = self.h.ledger(self.h.main);
        let what = if !ledger.is_empty() && self.rng.chance(50) {
            let gone = ledger.remove(self.rng.below(ledger.len()));
            format!("revoke {}", label(&gone))
        } else {
            self.edit(&mut ledger)
        };
        let c = self.h.ledger_commit(self.h.main, ledger, by, what);
        self.h.commits[c].on_main = true;
        self.h.main = c;
    }
}

pub(super) fn generate(seed: u64, keys: &Keys) -> History<'_> {
    let mut rng = Rng(seed);
    let signed = rng.chance(50);
    let target = 8 + rng.below(13);
    let mut g = Generator {
        h: History::new(signed.then_some(keys)),
        rng,
    };
    g.h.start();
    for _ in 0..g.rng.below(3) {
        g.base_change();
    }
    g.h.fork();
    while g.h.commits.len() < target {
        match g.rng.below(100) {
            0..20 => {
                let c = g.change(g.h.pr, 100);
                g.h.pr = c;
            }
            20..44 => {
                let c = g.change(g.h.pr, 0);
                g.h.pr = c;
            }
            44..62 => g.side_branch(),
            62..70 => g.orphan(),
            70..82 => g.base_change(),
            82..92 => {
                let main = g.h.main;
                if !g.h.ancestors(g.h.pr).contains(&main) {
                    g.merge(&[main]);
                }
            }
            _ => g.h.edit_script(Who::Writer),
        }
    }
    g.h
}
