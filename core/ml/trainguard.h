#pragma once
// Private to core/ml (includes LibTorch): the trainers' entry points run their loop through
// guardedTraining(), so that no LibTorch or standard exception leaves core/ml; it becomes the
// outcome's error message. Standard library and LibTorch only.

#include <torch/torch.h>

#include <exception>
#include <string>

namespace tincture::ml {

// Outcome has a std::string `error`; run() returns an Outcome.
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

} // namespace tincture::ml
