//! The files a reintegration has in flight (`<rfs nbrei>`, SafeKit guide §5.7.3; docs/decisions/0009,
//! "Bench"). Pure: which answer to wait for next, and when a file may be completed or counted.
//!
//! A file's operations are sent without waiting for their answers: first its data (with the
//! creation and attributes that precede it), then, once every one of those was applied, its
//! completion (its size and times), then, once those were applied too, it is done (the zone
//! record forgets it, it counts as copied). A copy that lacks data therefore never gets the size
//! and times that would make it look complete to the next pass's comparison. The secondary
//! answers in the order operations were sent, so the oldest answer owed is always the next to
//! come: the window waits for the operations of its oldest file first.
//!
//! Bounds: at most `files` files sending or awaiting their data, and at most `bytes` of data
//! unanswered (the link's frames, and what a blocked send holds up under the replication lock).

use std::collections::VecDeque;

#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    pub files: usize,
    pub bytes: u64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Stage {
    Data,
    Completing,
}

struct Flight<F, T> {
    file: F,
    /// Operations sent and not answered yet, oldest first, with the data bytes each carries.
    posted: VecDeque<(T, u64)>,
    stage: Stage,
    /// Everything of this stage is sent.
    sealed: bool,
    /// One of its operations was not applied.
    failed: bool,
}

/// What the window needs next.
pub(crate) enum Next<F, T> {
    /// The answer to this operation (the oldest owed), which carried these data bytes; then
    /// [`Window::failed`] if it was not applied.
    Answer(T, u64),
    /// Every operation of this file's data was answered (`true`: all applied): its completion
    /// may be sent ([`Window::completing`]).
    Complete(F, bool),
    /// Its completion was answered (`true`: all applied): the file is done.
    Done(F, bool),
    /// Nothing to wait for: only the file still being sent is in the window, and it owes nothing.
    Idle,
}

pub(crate) struct Window<F, T> {
    limits: Limits,
    queue: VecDeque<Flight<F, T>>,
    /// Files in their data stage.
    data_files: usize,
    /// Data bytes sent and not answered.
    bytes: u64,
}

impl<F, T> Window<F, T> {
    pub fn new(limits: Limits) -> Window<F, T> {
        Window {
            limits: Limits {
                files: limits.files.max(1),
                bytes: limits.bytes,
            },
            queue: VecDeque::new(),
            data_files: 0,
            bytes: 0,
        }
    }

    /// No room for one more file: wait ([`Window::next`]) before [`Window::open`].
    pub fn files_full(&self) -> bool {
        self.data_files >= self.limits.files
    }

    /// Too much data unanswered: wait before sending more.
    pub fn bytes_full(&self) -> bool {
        self.bytes > self.limits.bytes
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// A file starts sending its data (the one [`Window::post`] and [`Window::seal`] are about
    /// until the next `open`).
    pub fn open(&mut self, file: F) {
        self.data_files += 1;
        self.queue.push_back(Flight {
            file,
            posted: VecDeque::new(),
            stage: Stage::Data,
            sealed: false,
            failed: false,
        });
    }

    fn sending(&mut self) -> &mut Flight<F, T> {
        self.queue
            .iter_mut()
            .rev()
            .find(|f| f.stage == Stage::Data && !f.sealed)
            .expect("a file is open")
    }

    /// The open file sent an operation carrying `bytes` of data.
    pub fn post(&mut self, op: T, bytes: u64) {
        self.sending().posted.push_back((op, bytes));
        self.bytes += bytes;
    }

    /// The open file sent all its data (`failed`: it stopped short, and must not be completed).
    pub fn seal(&mut self, failed: bool) {
        let f = self.sending();
        f.sealed = true;
        f.failed |= failed;
    }

    /// The last answer [`Next::Answer`] gave was not an application.
    pub fn failed(&mut self) {
        if let Some(f) = self.queue.front_mut() {
            f.failed = true;
        }
    }

    /// A file's completion was sent (after [`Next::Complete`]): its operations.
    pub fn completing(&mut self, file: F, ops: Vec<T>) {
        self.queue.push_back(Flight {
            file,
            posted: ops.into_iter().map(|op| (op, 0)).collect(),
            stage: Stage::Completing,
            sealed: true,
            failed: false,
        });
    }

    /// The next thing to wait for or to do, oldest first.
    pub fn next(&mut self) -> Next<F, T> {
        let Some(front) = self.queue.front_mut() else {
            return Next::Idle;
        };
        if let Some((op, bytes)) = front.posted.pop_front() {
            self.bytes -= bytes;
            return Next::Answer(op, bytes);
        }
        if !front.sealed {
            return Next::Idle;
        }
        let f = self.queue.pop_front().expect("a front");
        match f.stage {
            Stage::Data => {
                self.data_files -= 1;
                Next::Complete(f.file, !f.failed)
            }
            Stage::Completing => Next::Done(f.file, !f.failed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1 << 20;

    fn sut(files: usize, bytes: u64) -> Window<&'static str, u32> {
        Window::new(Limits { files, bytes })
    }

    /// Answers everything until a file is to be completed or is done (what the walk does).
    fn until_file(w: &mut Window<&'static str, u32>, answered: &mut Vec<u32>) -> Next<&'static str, u32> {
        loop {
            match w.next() {
                Next::Answer(op, _) => answered.push(op),
                other => return other,
            }
        }
    }

    #[test]
    fn room_for_nbrei_files_then_the_oldest_goes_first() {
        let mut w = sut(2, 8 * MIB);
        w.open("a");
        w.post(1, MIB);
        w.seal(false);
        assert!(!w.files_full());
        w.open("b");
        w.post(2, MIB);
        w.seal(false);
        assert!(w.files_full());
        let mut answered = Vec::new();
        assert!(matches!(
            until_file(&mut w, &mut answered),
            Next::Complete("a", true)
        ));
        assert_eq!(answered, vec![1]);
        assert!(!w.files_full(), "a completing file leaves room for one more");
    }

    #[test]
    fn data_bytes_bound_a_single_large_file() {
        let mut w = sut(6, 4 * MIB);
        w.open("big");
        for op in 0..5 {
            w.post(op, MIB);
        }
        assert!(w.bytes_full());
        assert!(matches!(w.next(), Next::Answer(0, MIB)));
        assert!(!w.bytes_full());
        // The file still being sent owes nothing more once its answers are in: nothing to do.
        for op in 1..5 {
            assert!(matches!(w.next(), Next::Answer(o, MIB) if o == op));
        }
        assert!(matches!(w.next(), Next::Idle));
    }

    #[test]
    fn a_file_with_an_operation_not_applied_is_never_completed() {
        let mut w = sut(6, 8 * MIB);
        w.open("a");
        w.post(1, 10);
        w.post(2, 10);
        w.seal(false);
        assert!(matches!(w.next(), Next::Answer(1, 10)));
        w.failed();
        assert!(matches!(w.next(), Next::Answer(2, 10)));
        assert!(matches!(w.next(), Next::Complete("a", false)));
        assert!(w.is_empty());
    }

    #[test]
    fn a_file_that_stopped_short_is_not_completed() {
        let mut w = sut(6, 8 * MIB);
        w.open("a");
        w.post(1, 10);
        w.seal(true);
        assert!(matches!(w.next(), Next::Answer(1, 10)));
        assert!(matches!(w.next(), Next::Complete("a", false)));
    }

    #[test]
    fn completions_are_done_after_the_data_sent_before_them() {
        let mut w = sut(6, 8 * MIB);
        w.open("a");
        w.post(1, 10);
        w.seal(false);
        w.open("b");
        w.post(2, 10);
        w.seal(false);
        let mut answered = Vec::new();
        let Next::Complete(a, true) = until_file(&mut w, &mut answered) else {
            panic!("a first")
        };
        w.completing(a, vec![3, 4]);
        // b's data was sent before a's completion: its answers come first.
        assert!(matches!(
            until_file(&mut w, &mut answered),
            Next::Complete("b", true)
        ));
        let Next::Done(done, true) = until_file(&mut w, &mut answered) else {
            panic!("a done")
        };
        assert_eq!(done, "a");
        assert_eq!(answered, vec![1, 2, 3, 4]);
        assert!(w.is_empty());
    }

    #[test]
    fn a_completion_not_applied_leaves_the_file_not_done() {
        let mut w = sut(6, 8 * MIB);
        w.completing("a", vec![1]);
        assert!(matches!(w.next(), Next::Answer(1, 0)));
        w.failed();
        assert!(matches!(w.next(), Next::Done("a", false)));
    }

    #[test]
    fn the_file_being_sent_is_waited_for_only_for_its_answers() {
        let mut w = sut(1, 8 * MIB);
        w.open("a");
        assert!(w.files_full());
        assert!(
            matches!(w.next(), Next::Idle),
            "it is not complete before it is sealed"
        );
        w.post(1, 3);
        w.seal(false);
        assert!(matches!(w.next(), Next::Answer(1, 3)));
        assert!(matches!(w.next(), Next::Complete("a", true)));
        assert!(!w.files_full());
    }
}
