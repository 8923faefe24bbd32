// LibTorch first (see net.h); no Qt here.
#include "ml/internal/net.h"
#include "ml/internal/safetensors.h"
#include "ml/internal/trainloop.h"
#include "ml/internal/packedimages.h"
#include "ml/internal/vpnnet.h"
#include "ml/vpntrainer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

namespace tincture::ml {

std::string writeRandomVpn(const std::string &path, int channels, int neighbourhood, uint64_t seed)
{
    try {
        torch::manual_seed(seed);
        const VpnArch arch{channels, channels, neighbourhood};
        VpnNet net(arch);
        torch::NoGradGuard noGrad;
        for (auto &p : net->parameters())
            p.uniform_(-0.3, 0.3);
        return writeSafetensorsFile(path, namedState(*net), vpnMetadata(arch, VpnFeatureScales{}));
    } catch (const c10::Error &e) {
        return std::string("LibTorch: ") + e.what_without_backtrace();
    }
}

namespace {

namespace fs = std::filesystem;

struct Sample
{
    torch::Tensor inChroma, inFeatures, outFeatures; // Nin × 2, Nin × 4, HW × 4
    torch::Tensor target, given;                     // 1 × 2 × H × W: true, input chroma / 255
};

// One frame as tensors: features HW × 4 (x, y, Y, t scaled), input chroma and true chroma
// HW × 2 (/ 255), mirrored left to right when `mirror`.
void frameTensors(const ClipSet &set, int clip, int t, bool mirror, const VpnFeatureScales &s,
                  torch::Tensor &features, torch::Tensor &given, torch::Tensor &truth)
{
    const int h = set.height, w = set.width;
    torch::Tensor raw =
        torch::from_blob(const_cast<uint8_t *>(set.frame(clip, t)), {h, w, 5}, torch::kUInt8)
            .to(torch::kFloat32);
    if (mirror)
        raw = raw.flip({1});
    const torch::Tensor ys = torch::arange(h, torch::kFloat32).view({h, 1}).expand({h, w});
    const torch::Tensor xs = torch::arange(w, torch::kFloat32).view({1, w}).expand({h, w});
    features = torch::stack({xs * s.xy, ys * s.xy, raw.select(2, 0) * s.luma,
                             torch::full({h, w}, float(t) * s.time)},
                            2)
                   .view({h * w, 4});
    given = (raw.slice(2, 1, 3) / 255.0).reshape({h * w, 2});
    truth = (raw.slice(2, 3, 5) / 255.0).reshape({h * w, 2});
}

Sample makeSample(const ClipSet &set, int clip, int t, bool mirror, int previousFrames,
                  int maxPoints, std::mt19937_64 &rng)
{
    const VpnFeatureScales scales;
    std::vector<torch::Tensor> feats, chroma;
    std::vector<int> inputs{0};
    for (int k = std::max(1, t - previousFrames); k < t; ++k)
        inputs.push_back(k);
    for (int k : inputs) {
        torch::Tensor f, g, truth;
        frameTensors(set, clip, k, mirror, scales, f, g, truth);
        feats.push_back(f);
        chroma.push_back(g);
    }
    Sample s;
    s.inFeatures = torch::cat(feats, 0);
    s.inChroma = torch::cat(chroma, 0);
    const int64_t n = s.inFeatures.size(0);
    if (n > maxPoints) { // a random subset, as the authors sample input points
        std::vector<int64_t> all(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i)
            all[size_t(i)] = i;
        std::shuffle(all.begin(), all.end(), rng);
        all.resize(size_t(maxPoints));
        std::sort(all.begin(), all.end());
        const torch::Tensor idx = torch::tensor(all, torch::kInt64);
        s.inFeatures = s.inFeatures.index_select(0, idx);
        s.inChroma = s.inChroma.index_select(0, idx);
    }
    torch::Tensor given, truth;
    frameTensors(set, clip, t, mirror, scales, s.outFeatures, given, truth);
    auto image = [&](const torch::Tensor &p) {
        return p.t().reshape({1, 2, set.height, set.width}).contiguous();
    };
    s.target = image(truth);
    s.given = image(given);
    return s;
}

class VpnTrainer
{
public:
    VpnTrainer(VpnTrainOptions o, const std::function<bool(const VpnTrainProgress &)> &progress,
               const std::function<void(const std::string &)> &log)
        : m_o(std::move(o)), m_progress(progress), m_log(log)
    {
    }

    VpnTrainOutcome run();

private:
    torch::Tensor forward(const Sample &s)
    {
        const auto geometry = bilateralGeometryPair(
            s.inFeatures.to(m_device), s.outFeatures.to(m_device), m_arch.neighbourhood);
        if (!geometry)
            throw std::runtime_error("VPN training: features too large for the lattice");
        return m_net->forward(s.inChroma.to(m_device), geometry->first, geometry->second,
                              s.target.size(2), s.target.size(3));
    }
    void saveCheckpoint(int iteration);
    std::string validateAndExport(int iteration, VpnTrainProgress &p);

    VpnTrainOptions m_o;
    std::function<bool(const VpnTrainProgress &)> m_progress;
    std::function<void(const std::string &)> m_log;
    torch::Device m_device = torch::kCPU;
    VpnArch m_arch;
    VpnNet m_net{nullptr};
    std::unique_ptr<torch::optim::Adam> m_opt;
    ClipSet m_train, m_val;
    int m_start = 0;
};

void VpnTrainer::saveCheckpoint(int iteration)
{
    torch::serialize::OutputArchive archive, net, opt;
    m_net->save(net);
    m_opt->save(opt);
    archive.write("vpn", net);
    archive.write("optimizer", opt);
    archive.write("iteration", torch::tensor(int64_t(iteration)));
    archive.write(
        "arch", torch::tensor({int64_t(m_arch.bilateralChannels), int64_t(m_arch.spatialChannels),
                               int64_t(m_arch.neighbourhood), int64_t(m_o.batch), int64_t(m_o.seed),
                               int64_t(m_o.previousFrames), int64_t(m_o.maxInputPoints)}));
    const std::string path = m_o.outDir + "/checkpoint.pt";
    saveCheckpointArchive(archive, path);
}

std::string VpnTrainer::validateAndExport(int iteration, VpnTrainProgress &p)
{
    p.validated = true;
    if (m_val.count > 0) {
        torch::NoGradGuard noGrad;
        m_net->eval();
        double seIn = 0, seOut = 0, n = 0;
        for (int c = 0; c < m_val.count; ++c)
            for (int t = 1; t < m_val.frames; ++t) {
                std::mt19937_64 rng(uint64_t(c) * 1000003u + uint64_t(t));
                const Sample s =
                    makeSample(m_val, c, t, false, m_o.previousFrames, m_o.maxInputPoints, rng);
                const torch::Tensor out = forward(s).to(torch::kCPU).clamp(0.0, 1.0);
                seIn += (s.given - s.target).square().sum().item<double>();
                seOut += (out - s.target).square().sum().item<double>();
                n += double(s.target.numel());
            }
        auto psnr = [&](double se) { // chroma / 255: peak 1
            return 10.0 * std::log10(1.0 / std::max(1e-12, se / n));
        };
        p.valPsnrIn = psnr(seIn);
        p.valPsnrOut = psnr(seOut);
        m_net->train();
        std::ofstream csv(m_o.outDir + "/validation.csv", std::ios::app);
        csv << iteration << ',' << p.valPsnrIn << ',' << p.valPsnrOut << ',' << p.loss << '\n';
    }
    std::map<std::string, std::string> meta = vpnMetadata(m_arch, VpnFeatureScales{});
    meta["iterations"] = std::to_string(iteration);
    meta["previous_frames"] = std::to_string(m_o.previousFrames);
    return writeSafetensorsFile(m_o.outDir + "/vpn.safetensors", namedState(*m_net), meta);
}

VpnTrainOutcome VpnTrainer::run()
{
    VpnTrainOutcome outcome;
    if (std::string e = trainingDevice(m_o.device, m_o.threads, m_device); !e.empty()) {
        outcome.error = e;
        return outcome;
    }
    m_arch = VpnArch{m_o.bilateralChannels, m_o.spatialChannels, m_o.neighbourhood};
    torch::serialize::InputArchive resumed;
    if (!m_o.resumePath.empty()) {
        resumed.load_from(m_o.resumePath, m_device);
        torch::Tensor arch, iteration;
        resumed.read("arch", arch);
        resumed.read("iteration", iteration);
        arch = arch.to(torch::kCPU);
        const auto a = arch.accessor<int64_t, 1>();
        m_arch = VpnArch{int(a[0]), int(a[1]), int(a[2])};
        m_o.batch = int(a[3]);
        m_o.seed = uint64_t(a[4]);
        m_o.previousFrames = int(a[5]);
        m_o.maxInputPoints = int(a[6]);
        m_start = int(iteration.item<int64_t>());
    }
    if (m_o.batch < 1 || m_o.previousFrames < 0 || m_o.maxInputPoints < 16 ||
        m_arch.neighbourhood < 0 || m_arch.neighbourhood > 2) {
        outcome.error = "batch ≥ 1, previous frames ≥ 0, at least 16 input points and a "
                        "neighbourhood of 0–2";
        return outcome;
    }
    if (std::string e = loadClips(m_o.datasetPath, m_train); !e.empty()) {
        outcome.error = e;
        return outcome;
    }
    if (!m_o.valPath.empty())
        if (std::string e = loadClips(m_o.valPath, m_val); !e.empty()) {
            outcome.error = e;
            return outcome;
        }
    torch::manual_seed(m_o.seed);
    m_net = VpnNet(m_arch);
    m_net->to(m_device);
    m_opt = std::make_unique<torch::optim::Adam>(m_net->parameters(),
                                                 torch::optim::AdamOptions(m_o.learningRate));
    if (!m_o.resumePath.empty()) {
        torch::serialize::InputArchive net, opt;
        resumed.read("vpn", net);
        resumed.read("optimizer", opt);
        m_net->load(net);
        m_opt->load(opt);
        m_log("resumed at iteration " + std::to_string(m_start) + " from " + m_o.resumePath);
    }
    m_net->train();
    const std::string csvPath = m_o.outDir + "/validation.csv";
    if (m_start == 0 || !fs::exists(csvPath)) {
        std::ofstream csv(csvPath, std::ios::trunc);
        csv << "iteration,val_chroma_psnr_in_db,val_chroma_psnr_out_db,loss\n";
    }
    const auto step = [this](int it, std::mt19937_64 &rng) {
        const double lr =
            (m_o.decayFrom > 0 && it >= m_o.decayFrom) ? m_o.learningRate * 0.3 : m_o.learningRate;
        for (auto &group : m_opt->param_groups())
            static_cast<torch::optim::AdamOptions &>(group.options()).lr(lr);
        std::uniform_int_distribution<int> clip(0, m_train.count - 1), frame(1, m_train.frames - 1);
        m_opt->zero_grad();
        double total = 0;
        for (int b = 0; b < m_o.batch; ++b) {
            const int c = clip(rng), t = frame(rng);
            const bool mirror = std::bernoulli_distribution(0.5)(rng);
            const Sample s =
                makeSample(m_train, c, t, mirror, m_o.previousFrames, m_o.maxInputPoints, rng);
            const torch::Tensor loss =
                torch::mse_loss(forward(s), s.target.to(m_device)) / double(m_o.batch);
            loss.backward();
            total += loss.item<double>();
        }
        m_opt->step();
        return total;
    };
    const auto fill = [](VpnTrainProgress &q, int, double loss) { q.loss = loss; };
    const auto validate = [this](int done, VpnTrainProgress &q) {
        return validateAndExport(done, q);
    };
    const LoopSchedule schedule{m_start, m_o.iterations, m_o.seed, m_o.validateEvery,
                                m_o.checkpointEvery};
    return trainingLoop<VpnTrainOutcome, VpnTrainProgress, double>(
        schedule, step, fill, validate, m_progress, [this](int done) { saveCheckpoint(done); });
}

} // namespace

VpnTrainOutcome trainVpn(const VpnTrainOptions &options,
                         const std::function<bool(const VpnTrainProgress &)> &progress,
                         const std::function<void(const std::string &)> &log)
{
    return guardedTraining<VpnTrainOutcome>([&] {
        VpnTrainer trainer(options, progress, log);
        return trainer.run();
    });
}

} // namespace tincture::ml
