#pragma once
// Private to core/ml (includes LibTorch): what the trainers (trainer.h, refinertrainer.h,
// vpntrainer.h, binstrainer.h, globallocaltrainer.h, cnnlstmtrainer.h) share around their own
// iteration.
// Standard library and LibTorch only.
//
// Outcome has `ok`, `cancelled`, `error` (std::string), `iterations` and `last` (a Progress);
// Progress has `iteration` and `total`.

#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <chrono>
#include <cstdint>
#include <deque>
#include <exception>
#include <filesystem>
#include <random>
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

// The device a run trains on ("cpu" or "cuda") into `device`, and its CPU threads (0: LibTorch's
// choice); an error message when CUDA is asked for and LibTorch sees none.
inline std::string trainingDevice(const std::string &name, int threads, torch::Device &device)
{
    if (name == "cuda") {
        if (!torch::cuda::is_available())
            return "--device cuda: LibTorch sees no CUDA device";
        device = torch::kCUDA;
    }
    if (threads > 0)
        torch::set_num_threads(threads);
    return {};
}

// Chroma PSNR (0–255 scale) of a sum of squared errors over n values.
inline double psnrOfSquaredError(double se, double n)
{
    return 10.0 * std::log10(255.0 * 255.0 / std::max(1e-10, se / std::max(1.0, n)));
}

// The video colourisers' schedule: two stages, [0, first) and [first, total), each at `base`
// and × 0.3 for its last third.
inline double twoStageLearningRate(int it, int first, int total, double base)
{
    const int from = it < first ? 0 : first;
    const int to = it < first ? first : total;
    return it >= from + (to - from) * 2 / 3 ? base * 0.3 : base;
}

// Writes a checkpoint: under a temporary name, then renamed over `path`, so that a run killed
// while writing leaves the previous checkpoint whole.
inline void saveCheckpointArchive(torch::serialize::OutputArchive &archive, const std::string &path)
{
    archive.save_to(path + ".part");
    std::filesystem::rename(path + ".part", path);
}

// The video colourisers' validation on clips: chroma PSNR (0–255) of two runs over the same
// frames (e.g. the temporal mechanism on and off) and each run's mean absolute chroma change
// between consecutive frames, beside the truth's. Frames come in order, each a batch of
// independent clips' frames (N×2×H×W, 0–255); endClip() before the next clips.
class ClipScores
{
public:
    void addFrame(const torch::Tensor &a, const torch::Tensor &b, const torch::Tensor &truth)
    {
        m_se[0] += (a - truth).square().sum().item<double>();
        m_se[1] += (b - truth).square().sum().item<double>();
        m_n += double(truth.numel());
        if (m_prev[2].defined()) {
            m_change[0] += (a - m_prev[0]).abs().sum().item<double>();
            m_change[1] += (b - m_prev[1]).abs().sum().item<double>();
            m_change[2] += (truth - m_prev[2]).abs().sum().item<double>();
            m_nChange += double(truth.numel());
        }
        m_prev = {a, b, truth};
    }
    void endClip() { m_prev = {}; }
    double psnr(int run) const { return psnrOfSquaredError(m_se[size_t(run)], m_n); }
    // run 0, 1; 2: the truth.
    double change(int run) const { return m_change[size_t(run)] / std::max(1.0, m_nChange); }

private:
    std::array<double, 2> m_se{};
    std::array<double, 3> m_change{};
    double m_n = 0, m_nChange = 0;
    std::array<torch::Tensor, 3> m_prev;
};

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

// The iterations [start, total) of a run, as every trainer runs them.
struct LoopSchedule
{
    int start = 0, total = 0;
    uint64_t seed = 1;
    int validateEvery = 250, checkpointEvery = 100;
    int restartMeanAt = -1; // the running mean of the losses starts afresh here (a new stage)
};

inline void addToMean(double &mean, double loss, size_t n)
{
    mean += loss / double(n);
}
template <size_t N>
void addToMean(std::array<double, N> &mean, const std::array<double, N> &loss, size_t n)
{
    for (size_t i = 0; i < N; ++i)
        mean[i] += loss[i] / double(n);
}

// Iteration `it`'s random choices come from a generator seeded from (seed, it), so a resumed
// run repeats an uninterrupted one: `step(it, rng)` runs it and returns its losses (a double,
// or a std::array of several); `fill(p, it, mean)` writes the Progress's own fields from the
// mean of the last 50 iterations' losses. The Progress's iteration, total and seconds per
// iteration, afterIteration's schedule and the outcome (trainingDone) are this loop's.
template <class Outcome, class Progress, class Loss, class Step, class Fill, class Validate,
          class Report, class Save>
Outcome trainingLoop(const LoopSchedule &s, Step &&step, Fill &&fill, Validate &&validate,
                     Report &&report, Save &&save)
{
    Outcome outcome;
    std::deque<Loss> recent;
    Progress p;
    p.total = s.total;
    const auto t0 = std::chrono::steady_clock::now();
    int it = s.start;
    for (; it < s.total; ++it) {
        std::mt19937_64 rng(s.seed * 0x9E3779B97F4A7C15ull + uint64_t(it));
        if (it == s.restartMeanAt)
            recent.clear();
        recent.push_back(step(it, rng));
        if (recent.size() > 50)
            recent.pop_front();
        Loss mean{};
        for (const Loss &l : recent)
            addToMean(mean, l, recent.size());
        p = Progress{};
        p.iteration = it + 1;
        p.total = s.total;
        fill(p, it, mean);
        p.secondsPerIteration =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() /
            double(it + 1 - s.start);
        if (!afterIteration(outcome, p, s.validateEvery, s.checkpointEvery, validate, report, save))
            return outcome;
    }
    return trainingDone<Outcome>(s.start, s.total, it, p, validate);
}

} // namespace tincture::ml
