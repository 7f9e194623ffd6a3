//! Reading and judging targets on worker threads, in the targets' order.

use anyhow::{Context as _, Result};

use super::judge::FileOutcome;
use super::targets::Target;

/// Files below this count are checked on the calling thread.
pub(super) const PARALLEL_FROM: usize = 64;

/// Read every target on this thread (git objects cannot be shared between
/// threads) and judge them on worker threads, keeping the targets' order.
pub(super) fn pipeline<C, R, J>(
    targets: &[Target],
    mut read: R,
    judge: J,
) -> Result<Vec<FileOutcome>>
where
    C: Send,
    R: FnMut(&Target) -> Result<C>,
    J: Fn(&Target, C) -> FileOutcome + Sync,
{
    if targets.len() < PARALLEL_FROM {
        return targets.iter().map(|t| Ok(judge(t, read(t)?))).collect();
    }
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(8);
    let mut results: Vec<Option<FileOutcome>> = (0..targets.len()).map(|_| None).collect();
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, C)>(256);
    let rx = std::sync::Mutex::new(rx);
    let (done_tx, done_rx) = std::sync::mpsc::channel::<(usize, FileOutcome)>();
    std::thread::scope(|s| -> Result<()> {
        for _ in 0..workers {
            let (rx, judge, done_tx) = (&rx, &judge, done_tx.clone());
            std::thread::Builder::new()
                // Room for deeply nested (hostile) YAML.
                .stack_size(16 << 20)
                .spawn_scoped(s, move || {
                    loop {
                        let next = rx
                            .lock()
                            .map_err(|_| ())
                            .and_then(|r| r.recv().map_err(|_| ()));
                        let Ok((i, content)) = next else { break };
                        if done_tx.send((i, judge(&targets[i], content))).is_err() {
                            break;
                        }
                    }
                })
                .context("starting a worker thread")?;
        }
        drop(done_tx);
        for (i, t) in targets.iter().enumerate() {
            let content = read(t)?;
            if tx.send((i, content)).is_err() {
                break;
            }
        }
        drop(tx);
        for (i, outcome) in done_rx {
            results[i] = Some(outcome);
        }
        Ok(())
    })?;
    Ok(results.into_iter().map(|o| o.unwrap_or_default()).collect())
}

/// Check every target on worker threads, keeping the targets' order.
pub(super) fn parallel<F>(targets: &[Target], check: F) -> Result<Vec<FileOutcome>>
where
    F: Fn(&Target) -> Result<FileOutcome> + Sync,
{
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(8);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let chunks: Vec<Result<Vec<(usize, FileOutcome)>>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let (next, check) = (&next, &check);
                std::thread::Builder::new()
                    .stack_size(16 << 20)
                    .spawn_scoped(s, move || -> Result<Vec<(usize, FileOutcome)>> {
                        let mut done = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(t) = targets.get(i) else { break };
                            done.push((i, check(t)?));
                        }
                        Ok(done)
                    })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| match h {
                Ok(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
                Err(e) => Err(anyhow::Error::from(e).context("starting a worker thread")),
            })
            .collect()
    });
    let mut results: Vec<Option<FileOutcome>> = (0..targets.len()).map(|_| None).collect();
    for chunk in chunks {
        for (i, outcome) in chunk? {
            results[i] = Some(outcome);
        }
    }
    Ok(results.into_iter().map(|o| o.unwrap_or_default()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::read::Content;
    use crate::kind::FileKind;
    use crate::source::Source;

    fn targets(n: usize) -> Vec<Target> {
        (0..n)
            .map(|i| Target {
                kind: FileKind::Yaml,
                path: format!("{i:04}.yml"),
                media: None,
            })
            .collect()
    }

    /// An outcome that names its target.
    fn named(t: &Target, bytes: Vec<u8>) -> FileOutcome {
        FileOutcome {
            source: Some(Source::new(t.path.clone(), bytes)),
            ..FileOutcome::default()
        }
    }

    fn paths(outcomes: &[FileOutcome]) -> Vec<String> {
        outcomes
            .iter()
            .map(|o| {
                o.source
                    .as_ref()
                    .map(|s| s.path.clone())
                    .unwrap_or_default()
            })
            .collect()
    }

    #[test]
    fn outcomes_keep_the_targets_order() {
        for n in [0, 3, PARALLEL_FROM, 5 * PARALLEL_FROM + 7] {
            let list = targets(n);
            let want: Vec<String> = list.iter().map(|t| t.path.clone()).collect();
            let piped = pipeline(
                &list,
                |t| Ok(Content::Bytes(t.path.clone().into_bytes())),
                |t, c| match c {
                    Content::Bytes(b) => named(t, b),
                    _ => FileOutcome::default(),
                },
            )
            .unwrap();
            assert_eq!(paths(&piped), want);
            let checked = parallel(&list, |t| Ok(named(t, Vec::new()))).unwrap();
            assert_eq!(paths(&checked), want);
        }
    }

    #[test]
    fn a_read_error_stops_the_check() {
        let list = targets(2 * PARALLEL_FROM);
        let failing = |t: &Target| -> Result<FileOutcome> {
            match t.path.as_str() {
                "0070.yml" => Err(anyhow::anyhow!("unreadable")),
                _ => Ok(FileOutcome::default()),
            }
        };
        assert!(parallel(&list, failing).is_err());
        let piped = pipeline(
            &list,
            |t| match t.path.as_str() {
                "0003.yml" => Err(anyhow::anyhow!("unreadable")),
                _ => Ok(Content::Absent),
            },
            |_, _| FileOutcome::default(),
        );
        assert!(piped.is_err());
    }
}
