#pragma once
// Private to core/ml (includes LibTorch): what the two trainers (trainer.h, refinertrainer.h)
// share around their own iteration. Standard library and LibTorch only.
//
// Outcome has `ok`, `cancelled`, `error` (std::string), `iterations` and `last` (a Progress);
// Progress has `iteration` and `total`.

#include <torch/torch.h>

#include <exception>
#include <string>

namespace tincture::ml {

// Runs a trainer; no LibTorch or standard exception leaves core/ml: it becomes the outcome's
// error message.
template <class Outcome, class Run> Outcome guardedTraining(Run &&run)
{
    try {
        return run();
    } catch (const c10::Error &e) {
        Outcome o;
        o.error = std::string("LibTorch: ") + e.what_without_backtrace();
        return o;
    } catch (const std::exception &e) {
        Outcome o;
        o.error = e.what();
        return o;
    }
}

// The schedule after an iteration whose progress is p (p.iteration iterations done): validate
// and export every validateEvery iterations and after the last (validateAndExport(done, p)
// returns an error message or ""), report p (report(p) returns false to stop), checkpoint
// every checkpointEvery iterations, after the last and before stopping (save(done)).
// Returns false when the loop must end; `outcome` then says why (error or cancelled).
template <class Outcome, class Progress, class Validate, class Report, class Save>
bool afterIteration(Outcome &outcome, Progress &p, int validateEvery, int checkpointEvery,
                    Validate &&validateAndExport, Report &&report, Save &&save)
{
    const int done = p.iteration;
    const bool last = done == p.total;
    if (done % validateEvery == 0 || last)
        if (std::string e = validateAndExport(done, p); !e.empty()) {
            outcome.error = e;
            return false;
        }
    const bool keepGoing = report(p);
    if (done % checkpointEvery == 0 || last || !keepGoing)
        save(done);
    if (!keepGoing) {
        outcome.cancelled = true;
        outcome.iterations = done;
        outcome.last = p;
        return false;
    }
    return true;
}

// The outcome of a loop that ran from `start` to `reached` of `total` iterations. A checkpoint
// that already had them all (start ≥ total) is validated and exported as it is.
template <class Outcome, class Progress, class Validate>
Outcome trainingDone(int start, int total, int reached, Progress p, Validate &&validateAndExport)
{
    Outcome outcome;
    if (start >= total) {
        p.iteration = start;
        p.total = total;
        if (std::string e = validateAndExport(start, p); !e.empty()) {
            outcome.error = e;
            return outcome;
        }
    }
    outcome.ok = true;
    outcome.iterations = reached;
    outcome.last = p;
    return outcome;
}

} // namespace tincture::ml
