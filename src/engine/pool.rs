//! Reading and judging targets on worker threads, in the targets' order.

use anyhow::{Context as _, Result};

use super::judge::FileOutcome;
use super::read::Content;
use super::targets::Target;

/// Files below this count are checked on the calling thread.
pub(super) const PARALLEL_FROM: usize = 64;

/// Read every target on this thread (git objects cannot be shared between
/// threads) and judge them on worker threads, keeping the targets' order.
pub(super) fn pipeline<R, J>(targets: &[Target], mut read: R, judge: J) -> Result<Vec<FileOutcome>>
where
    R: FnMut(&Target) -> Result<Content>,
    J: Fn(&Target, Content) -> FileOutcome + Sync,
{
    if targets.len() < PARALLEL_FROM {
        return targets.iter().map(|t| Ok(judge(t, read(t)?))).collect();
    }
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(8);
    let mut results: Vec<Option<FileOutcome>> = (0..targets.len()).map(|_| None).collect();
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Content)>(256);
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
