//! The threads that encode bodies (hashing, gzip, brotli): all cores but
//! one. Encoding churns through memory; done on a few threads of their own,
//! that memory stays in a few allocator arenas instead of one per thread of
//! the blocking pool, and a core stays free for answers already cached.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use crate::web::WebError;

type Job = Box<dyn FnOnce() + Send>;

/// A handle on the encoder threads; they stop when the last handle goes.
#[derive(Debug, Clone)]
pub struct Encoders {
    jobs: Sender<Job>,
}

impl Encoders {
    /// All cores but one (at least one thread).
    pub fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..cores.saturating_sub(1).max(1) {
            let queue = Arc::clone(&queue);
            let spawned = std::thread::Builder::new()
                .name(format!("llmrank-encode-{n}"))
                .spawn(move || work(&queue));
            if let Err(e) = spawned {
                tracing::warn!(error = %e, "cannot start an encoder thread");
            }
        }
        Encoders { jobs }
    }

    /// Runs `job` on an encoder thread and waits for its result.
    pub async fn run<T, F>(&self, job: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (done, result) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = done.send(job());
            }))
            .map_err(|_| WebError::Internal("the encoder threads stopped".into()))?;
        result
            .await
            .map_err(|_| WebError::Internal("an encoding stopped unexpectedly".into()))
    }
}

fn work(queue: &Mutex<Receiver<Job>>) {
    loop {
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        match job {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_run_on_the_encoder_threads_and_return() {
        let encoders = Encoders::new();
        let name = encoders
            .run(|| std::thread::current().name().map(str::to_string))
            .await
            .expect("runs");
        assert!(name.is_some_and(|n| n.starts_with("llmrank-encode-")));
        let sum = encoders.run(|| (1..=10).sum::<i32>()).await.expect("runs");
        assert_eq!(sum, 55);
    }
}
