// LibTorch first: Qt's macros must never precede it (and this file uses no Qt at all).
#include "ml/internal/net.h"
#include "ml/internal/packedimages.h"
#include "ml/internal/safetensors.h"
#include "ml/internal/trainloop.h"
#include "ml/trainer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <limits>
#include <sstream>

namespace tincture::ml {
namespace {

namespace fs = std::filesystem;

struct Inputs
{
    torch::Tensor lightness; // N×1×H×W in [−1, 1]
    torch::Tensor ab;        // N×2×H×W scaled by 1/110
    torch::Tensor luma;      // N×1×H×W in [0, 1]
};

Inputs prepare(const torch::Tensor &rgb)
{
    Inputs in;
    in.luma = luma601(rgb);
    in.lightness = lightnessOfGrey(in.luma) / 50.0 - 1.0;
    in.ab = rgbToLab(rgb).slice(1, 1, 3) / kAbScale;
    return in;
}

// RGB from the grey's lightness and predicted ab, with the chroma put under the true BT.601
// luma (as inference does), in [0, 1].
torch::Tensor recombine(const Inputs &in, const torch::Tensor &ab)
{
    const torch::Tensor lab = torch::cat({(in.lightness + 1.0) * 50.0, ab * kAbScale}, 1);
    const torch::Tensor rgb = labToRgb(lab);
    const torch::Tensor y = luma601(rgb);
    const torch::Tensor cb = (rgb.select(1, 2).unsqueeze(1) - y) * 0.564;
    const torch::Tensor cr = (rgb.select(1, 0).unsqueeze(1) - y) * 0.713;
    const torch::Tensor ty = in.luma;
    const torch::Tensor r = ty + 1.402 * cr;
    const torch::Tensor g = ty - 0.344136 * cb - 0.714136 * cr;
    const torch::Tensor b = ty + 1.772 * cb;
    return torch::cat({r, g, b}, 1).clamp(0.0, 1.0);
}

// Simulated user points (Zhang et al. 2017): per image `count(rng)` points, each a square patch
// of side `side(rng)` (clipped to the image) at a uniformly random place, filled with the
// patch's mean true chroma. ab: N×2×H×W on the CPU → N×3×H×W: a, b there (0 elsewhere) and the
// mask (1 there).
template <class Count, class Side>
torch::Tensor simulateHints(const torch::Tensor &ab, std::mt19937_64 &rng, Count count, Side side)
{
    const int64_t n = ab.size(0), h = ab.size(2), w = ab.size(3);
    torch::Tensor out = torch::zeros({n, 3, h, w}, torch::kFloat32);
    const torch::Tensor src = ab.contiguous();
    const auto a = src.accessor<float, 4>();
    auto o = out.accessor<float, 4>();
    for (int64_t i = 0; i < n; ++i) {
        const int points = count(rng);
        for (int k = 0; k < points; ++k) {
            const int s = int(std::min<int64_t>({side(rng), h, w}));
            const int y0 = std::uniform_int_distribution<int>(0, int(h) - s)(rng);
            const int x0 = std::uniform_int_distribution<int>(0, int(w) - s)(rng);
            double ma = 0, mb = 0;
            for (int y = y0; y < y0 + s; ++y)
                for (int x = x0; x < x0 + s; ++x) {
                    ma += a[i][0][y][x];
                    mb += a[i][1][y][x];
                }
            ma /= double(s) * s;
            mb /= double(s) * s;
            for (int y = y0; y < y0 + s; ++y)
                for (int x = x0; x < x0 + s; ++x) {
                    o[i][0][y][x] = float(ma);
                    o[i][1][y][x] = float(mb);
                    o[i][2][y][x] = 1.0f;
                }
        }
    }
    return out;
}

double psnr8(const torch::Tensor &a, const torch::Tensor &b) // per image, then mean
{
    const torch::Tensor qa = (a * 255.0).round(), qb = (b * 255.0).round();
    const torch::Tensor mse = (qa - qb).square().flatten(1).mean(1).clamp_min(1e-10);
    return (10.0 * torch::log10(255.0 * 255.0 / mse)).mean().item<double>();
}

std::map<std::string, std::string> archMetadata(const ArchParams &a)
{
    return {{"format", "tincture-pix2pix-generator"},
            {"base_width", std::to_string(a.baseWidth)},
            {"depth", std::to_string(a.depth)},
            {"max_multiplier", std::to_string(a.maxMultiplier)},
            {"hint_channels", std::to_string(a.hintChannels)},
            {"input", a.hintChannels == 0 ? "Lab L of the BT.601 grey, L/50-1"
                                          : "Lab L of the BT.601 grey, L/50-1; hint a,b "
                                            "divided by 110; hint mask"},
            {"output", "Lab a,b divided by 110"}};
}

} // namespace

std::string writeRandomGenerator(const std::string &path, int baseWidth, int depth, uint64_t seed,
                                 int hintChannels)
{
    try {
        torch::manual_seed(seed);
        ArchParams arch;
        arch.baseWidth = baseWidth;
        arch.depth = depth;
        arch.hintChannels = hintChannels;
        UNetGenerator g(arch);
        g->eval();
        return writeSafetensorsFile(path, namedState(*g), archMetadata(arch));
    } catch (const c10::Error &e) {
        return std::string("LibTorch: ") + e.what_without_backtrace();
    }
}

namespace {

class Trainer
{
public:
    Trainer(TrainOptions o, const std::function<bool(const TrainProgress &)> &progress,
            const std::function<void(const std::string &)> &log)
        : m_o(std::move(o)), m_progress(progress), m_log(log)
    {
    }

    TrainOutcome run();

private:
    void saveCheckpoint(int iteration);
    std::string loadCheckpoint();
    TrainProgress validate(int iteration);
    // Runs a validation pass (into p), appends it to validation.csv and writes the generator.
    std::string validateAndExport(int iteration, TrainProgress &p);
    // The generator that validation and export use: the moving average when there is one.
    UNetGenerator &exported() { return m_ema ? m_ema : m_g; }
    void updateAverage(int iteration);
    std::string m_csvPath;

    TrainOptions m_o;
    std::function<bool(const TrainProgress &)> m_progress;
    std::function<void(const std::string &)> m_log;
    torch::Device m_device = torch::kCPU;
    ArchParams m_arch;
    UNetGenerator m_g{nullptr};
    UNetGenerator m_ema{nullptr}; // null when emaDecay is 0
    PatchDiscriminator m_d{nullptr};
    std::unique_ptr<torch::optim::Adam> m_optG, m_optD;
    int m_start = 0;
    PackedSet m_train, m_val;
};

void Trainer::saveCheckpoint(int iteration)
{
    torch::serialize::OutputArchive archive;
    torch::serialize::OutputArchive g, d, og, od;
    m_g->save(g);
    m_d->save(d);
    m_optG->save(og);
    m_optD->save(od);
    archive.write("generator", g);
    if (m_ema) {
        torch::serialize::OutputArchive e;
        m_ema->save(e);
        archive.write("generator_ema", e);
    }
    archive.write("discriminator", d);
    archive.write("optimizer_g", og);
    archive.write("optimizer_d", od);
    archive.write("iteration", torch::tensor(int64_t(iteration)));
    archive.write("arch", torch::tensor({int64_t(m_arch.baseWidth), int64_t(m_arch.depth),
                                         int64_t(m_arch.discWidth), int64_t(m_arch.maxMultiplier),
                                         int64_t(m_o.cropSize), int64_t(m_o.batch),
                                         int64_t(m_o.seed), int64_t(m_arch.hintChannels)}));
    const std::string path = m_o.outDir + "/checkpoint.pt";
    saveCheckpointArchive(archive, path);
}

std::string Trainer::loadCheckpoint()
{
    torch::serialize::InputArchive archive;
    archive.load_from(m_o.resumePath);
    torch::Tensor arch, iteration;
    archive.read("arch", arch);
    archive.read("iteration", iteration);
    const auto a = arch.accessor<int64_t, 1>();
    m_arch.baseWidth = int(a[0]);
    m_arch.depth = int(a[1]);
    m_arch.discWidth = int(a[2]);
    m_arch.maxMultiplier = int(a[3]);
    m_o.cropSize = int(a[4]);
    m_o.batch = int(a[5]);
    m_o.seed = uint64_t(a[6]);
    m_arch.hintChannels = arch.size(0) > 7 ? int(a[7]) : 0; // older checkpoints: none
    m_start = int(iteration.item<int64_t>());
    return {};
}

void Trainer::updateAverage(int iteration)
{
    if (!m_ema)
        return;
    torch::NoGradGuard noGrad;
    const double d = std::min(m_o.emaDecay, (1.0 + iteration) / (10.0 + iteration));
    const auto live = m_g->named_parameters(true);
    for (auto &item : m_ema->named_parameters(true))
        item.value().mul_(d).add_(live[item.key()], 1.0 - d);
    const auto liveBuffers = m_g->named_buffers(true);
    for (auto &item : m_ema->named_buffers(true)) {
        torch::Tensor &b = item.value();
        if (b.is_floating_point())
            b.mul_(d).add_(liveBuffers[item.key()], 1.0 - d);
        else
            b.copy_(liveBuffers[item.key()]);
    }
}

TrainProgress Trainer::validate(int iteration)
{
    TrainProgress p;
    p.validated = true;
    if (m_val.count == 0)
        return p;
    torch::NoGradGuard noGrad;
    UNetGenerator &g = exported();
    g->eval();
    double psnr = 0, grey = 0, cf = 0, cfTruth = 0, psnr10 = 0;
    const int side = (std::min(m_val.height, m_val.width) >> m_arch.depth) << m_arch.depth;
    const int chunk = 8;
    for (int first = 0; first < m_val.count; first += chunk) {
        const int n = std::min(chunk, m_val.count - first);
        torch::Tensor rgb = packedPictures(m_val, first, n).slice(2, 0, side).slice(3, 0, side);
        const Inputs in = prepare(rgb);
        torch::Tensor input = in.lightness;
        if (m_arch.hintChannels > 0) {
            input = torch::cat({input, torch::zeros({n, m_arch.hintChannels, side, side})}, 1);
            // The same 10 points every pass: seeded by the chunk.
            std::mt19937_64 rng(0x5EED0000ull + uint64_t(first));
            const torch::Tensor hints = simulateHints(
                in.ab, rng, [](auto &) { return 10; }, [](auto &) { return 5; });
            const torch::Tensor guided =
                g->forward(torch::cat({in.lightness, hints}, 1).to(m_device)).to(torch::kCPU);
            psnr10 += psnr8(recombine(in, guided), rgb) * n;
        }
        const torch::Tensor ab = g->forward(input.to(m_device)).to(torch::kCPU);
        const torch::Tensor out = recombine(in, ab);
        psnr += psnr8(out, rgb) * n;
        grey += psnr8(in.luma.expand({n, 3, side, side}), rgb) * n;
        cf += colourfulness(out).sum().item<double>();
        cfTruth += colourfulness(rgb).sum().item<double>();
    }
    if (!m_ema)
        m_g->train();
    p.iteration = iteration;
    p.valPsnr = psnr / m_val.count;
    p.valGreyPsnr = grey / m_val.count;
    p.valColourfulness = cf / m_val.count;
    p.valColourfulnessRatio = cfTruth > 0 ? cf / cfTruth : 0;
    p.valPsnr10Points =
        m_arch.hintChannels > 0 ? psnr10 / m_val.count : std::numeric_limits<double>::quiet_NaN();
    return p;
}

std::string Trainer::validateAndExport(int iteration, TrainProgress &p)
{
    const TrainProgress v = validate(iteration);
    p.validated = true;
    p.valPsnr = v.valPsnr;
    p.valGreyPsnr = v.valGreyPsnr;
    p.valColourfulness = v.valColourfulness;
    p.valColourfulnessRatio = v.valColourfulnessRatio;
    p.valPsnr10Points = v.valPsnr10Points;
    {
        std::ofstream csv(m_csvPath, std::ios::app);
        csv << iteration << ',' << p.valPsnr << ',' << p.valGreyPsnr << ',' << p.valColourfulness
            << ',' << p.valColourfulnessRatio << ',' << p.lossD << ',' << p.lossGan << ','
            << p.lossL1 << ',' << p.valPsnr10Points << '\n';
    }
    UNetGenerator &g = exported();
    g->eval();
    std::map<std::string, std::string> meta = archMetadata(m_arch);
    meta["iterations"] = std::to_string(iteration);
    if (m_ema)
        meta["ema_decay"] = std::to_string(m_o.emaDecay);
    const std::string e =
        writeSafetensorsFile(m_o.outDir + "/generator.safetensors", namedState(*g), meta);
    if (!m_ema)
        m_g->train();
    return e;
}

TrainOutcome Trainer::run()
{
    TrainOutcome outcome;
    if (std::string e = trainingDevice(m_o.device, m_o.threads, m_device); !e.empty()) {
        outcome.error = e;
        return outcome;
    }
    m_arch.baseWidth = m_o.baseWidth;
    m_arch.depth = m_o.depth;
    m_arch.discWidth = m_o.discWidth;
    m_arch.hintChannels = m_o.hintChannels;
    if (m_o.hintChannels != 0 && m_o.hintChannels != 3) {
        outcome.error = "hint channels must be 0 or 3";
        return outcome;
    }
    if (!m_o.resumePath.empty()) {
        if (std::string e = loadCheckpoint(); !e.empty()) {
            outcome.error = e;
            return outcome;
        }
    }
    if (std::string e = loadPacked(m_o.datasetPath, m_train); !e.empty()) {
        outcome.error = e;
        return outcome;
    }
    if (!m_o.valPath.empty()) {
        if (std::string e = loadPacked(m_o.valPath, m_val); !e.empty()) {
            outcome.error = e;
            return outcome;
        }
    }
    if (m_o.cropSize > std::min(m_train.height, m_train.width) ||
        m_o.cropSize % (1 << m_arch.depth) != 0) {
        outcome.error = "crop size " + std::to_string(m_o.cropSize) +
                        " must fit the images and be a multiple of 2^depth = " +
                        std::to_string(1 << m_arch.depth);
        return outcome;
    }
    torch::manual_seed(m_o.seed);
    m_g = UNetGenerator(m_arch);
    m_d = PatchDiscriminator(m_arch);
    m_g->to(m_device);
    m_d->to(m_device);
    auto adam = [&](torch::nn::Module &m) {
        return std::make_unique<torch::optim::Adam>(
            m.parameters(),
            torch::optim::AdamOptions(m_o.learningRate).betas(std::make_tuple(m_o.beta1, 0.999)));
    };
    m_optG = adam(*m_g);
    m_optD = adam(*m_d);
    if (!m_o.resumePath.empty()) {
        torch::serialize::InputArchive archive, g, d, og, od;
        archive.load_from(m_o.resumePath, m_device);
        archive.read("generator", g);
        archive.read("discriminator", d);
        archive.read("optimizer_g", og);
        archive.read("optimizer_d", od);
        m_g->load(g);
        m_d->load(d);
        m_optG->load(og);
        m_optD->load(od);
        m_log("resumed at iteration " + std::to_string(m_start) + " from " + m_o.resumePath);
    }
    if (m_o.emaDecay > 0) {
        m_ema = UNetGenerator(m_arch);
        m_ema->to(m_device);
        bool loaded = false;
        if (!m_o.resumePath.empty()) {
            torch::serialize::InputArchive archive, e;
            archive.load_from(m_o.resumePath, m_device);
            if (archive.try_read("generator_ema", e)) {
                m_ema->load(e);
                loaded = true;
            }
        }
        if (!loaded) { // a fresh run, or a checkpoint from before averaging: start at the net
            torch::NoGradGuard noGrad;
            const auto live = m_g->named_parameters(true);
            for (auto &item : m_ema->named_parameters(true))
                item.value().copy_(live[item.key()]);
            const auto liveBuffers = m_g->named_buffers(true);
            for (auto &item : m_ema->named_buffers(true))
                item.value().copy_(liveBuffers[item.key()]);
        }
        m_ema->eval();
        for (auto &param : m_ema->parameters())
            param.set_requires_grad(false);
    }
    m_g->train();
    m_d->train();

    m_csvPath = m_o.outDir + "/validation.csv";
    if (m_start == 0 || !fs::exists(m_csvPath)) {
        std::ofstream csv(m_csvPath, std::ios::trunc);
        csv << "iteration,val_psnr_db,val_grey_psnr_db,val_colourfulness,"
               "val_colourfulness_ratio,loss_d,loss_gan,loss_l1,val_psnr_10_points_db\n";
    }
    const auto step = [this](int it, std::mt19937_64 &rng) {
        torch::manual_seed(m_o.seed + uint64_t(it) * 7919u);
        if (m_o.decayFrom > 0 && it >= m_o.decayFrom) {
            const double lr = m_o.learningRate * double(m_o.iterations - it) /
                              double(std::max(1, m_o.iterations - m_o.decayFrom));
            for (torch::optim::Adam *opt : {m_optG.get(), m_optD.get()})
                for (auto &group : opt->param_groups())
                    static_cast<torch::optim::AdamOptions &>(group.options()).lr(lr);
        }
        const torch::Tensor rgb = sampleBatch(m_train, m_o.batch, m_o.cropSize, rng);
        Inputs in = prepare(rgb);
        torch::Tensor input = in.lightness;
        if (m_arch.hintChannels > 0) {
            std::geometric_distribution<int> points(1.0 / 8.0);
            std::uniform_int_distribution<int> side(1, 9);
            input = torch::cat({input, simulateHints(in.ab, rng, points, side)}, 1);
        }
        in.lightness = in.lightness.to(m_device);
        in.ab = in.ab.to(m_device);

        const torch::Tensor fake = m_g->forward(input.to(m_device));
        m_optD->zero_grad();
        const torch::Tensor predFake = m_d->forward(in.lightness, fake.detach());
        const torch::Tensor predReal = m_d->forward(in.lightness, in.ab);
        const torch::Tensor lossD = 0.5 * (torch::mse_loss(predFake, torch::zeros_like(predFake)) +
                                           torch::mse_loss(predReal, torch::ones_like(predReal)));
        lossD.backward();
        m_optD->step();

        m_optG->zero_grad();
        const torch::Tensor pred = m_d->forward(in.lightness, fake);
        const torch::Tensor lossGan = torch::mse_loss(pred, torch::ones_like(pred));
        const torch::Tensor lossL1 = torch::l1_loss(fake, in.ab) * m_o.lambdaL1;
        (lossGan + lossL1).backward();
        m_optG->step();
        updateAverage(it);
        return std::array<double, 3>{lossD.item<double>(), lossGan.item<double>(),
                                     lossL1.item<double>()};
    };
    const auto fill = [](TrainProgress &q, int, const std::array<double, 3> &loss) {
        q.lossD = loss[0];
        q.lossGan = loss[1];
        q.lossL1 = loss[2];
    };
    const auto validate = [this](int done, TrainProgress &q) { return validateAndExport(done, q); };
    const LoopSchedule schedule{m_start, m_o.iterations, m_o.seed, m_o.validateEvery,
                                m_o.checkpointEvery};
    return trainingLoop<TrainOutcome, TrainProgress, std::array<double, 3>>(
        schedule, step, fill, validate, m_progress, [this](int done) { saveCheckpoint(done); });
}

} // namespace

TrainOutcome trainColorizer(const TrainOptions &options,
                            const std::function<bool(const TrainProgress &)> &progress,
                            const std::function<void(const std::string &)> &log)
{
    return guardedTraining<TrainOutcome>([&] {
        Trainer trainer(options, progress, log);
        return trainer.run();
    });
}

} // namespace tincture::ml
