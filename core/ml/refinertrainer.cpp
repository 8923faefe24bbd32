// LibTorch first (see net.h); no Qt here.
#include "ml/internal/net.h"
#include "ml/internal/refinernet.h"
#include "ml/refinertrainer.h"
#include "ml/internal/safetensors.h"
#include "ml/internal/trainloop.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

namespace tincture::ml {

namespace F = torch::nn::functional;

std::string writeRandomRefiner(const std::string &path, int width, int depth, int tapSpacing,
                               uint64_t seed)
{
    try {
        torch::manual_seed(seed);
        ChromaRefinerNet net(RefinerArch{width, depth, tapSpacing});
        torch::NoGradGuard noGrad;
        for (auto &p : net->parameters()) // the last layer too: not the identity
            p.uniform_(-0.5, 0.5);
        return writeSafetensorsFile(path, namedState(*net), refinerMetadata(net->arch()));
    } catch (const c10::Error &e) {
        return std::string("LibTorch: ") + e.what_without_backtrace();
    }
}

namespace {

namespace fs = std::filesystem;

struct PatchSet
{
    int count = 0, side = 0;
    std::vector<uint8_t> bytes;
};

std::string loadPatches(const std::string &path, PatchSet &set)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return path + ": cannot open the packed patches";
    char magic[8];
    uint32_t header[3];
    if (!in.read(magic, 8) || std::memcmp(magic, "TCRPAT01", 8) != 0)
        return path + ": not a packed Tincture refiner patch file (bad magic)";
    if (!in.read(reinterpret_cast<char *>(header), sizeof header))
        return path + ": truncated header";
    if (header[0] == 0 || header[1] < 8 || header[1] > 1024 || header[2] != 5)
        return path + ": implausible header";
    set.count = int(header[0]);
    set.side = int(header[1]);
    set.bytes.resize(size_t(set.count) * set.side * set.side * 5);
    if (!in.read(reinterpret_cast<char *>(set.bytes.data()), std::streamsize(set.bytes.size())))
        return path + ": truncated (fewer patches than the header announces)";
    return {};
}

// The patches numbered in `which` → inputs N×3×S×S and targets N×2×S×S (net units), all
// mirrored left to right when `mirror`.
void toTensors(const PatchSet &set, const std::vector<int> &which, bool mirror,
               torch::Tensor &input, torch::Tensor &target)
{
    const int n = int(which.size()), s = set.side;
    torch::Tensor raw = torch::empty({n, s, s, 5}, torch::kUInt8);
    for (int i = 0; i < n; ++i)
        std::memcpy(raw.data_ptr<uint8_t>() + size_t(i) * s * s * 5,
                    set.bytes.data() + size_t(which[size_t(i)]) * s * s * 5, size_t(s) * s * 5);
    torch::Tensor f = raw.permute({0, 3, 1, 2}).to(torch::kFloat32);
    if (mirror)
        f = f.flip({3});
    input = torch::cat({f.slice(1, 0, 1) / 255.0 - 0.5, (f.slice(1, 1, 3) - 128.0) / 128.0}, 1)
                .contiguous();
    target = ((f.slice(1, 3, 5) - 128.0) / 128.0).contiguous();
}

class RefinerTrainer
{
public:
    RefinerTrainer(RefinerTrainOptions o,
                   const std::function<bool(const RefinerTrainProgress &)> &progress,
                   const std::function<void(const std::string &)> &log)
        : m_o(std::move(o)), m_progress(progress), m_log(log)
    {
    }

    RefinerTrainOutcome run();

private:
    // The loss ignores a border as wide as the net's reach: the patches' edges are replicated.
    int margin() const { return m_arch.tapSpacing + 2 * (m_arch.depth - 1); }
    torch::Tensor interior(const torch::Tensor &t) const
    {
        const int m = margin();
        return t.slice(2, m, t.size(2) - m).slice(3, m, t.size(3) - m);
    }
    void saveCheckpoint(int iteration);
    std::string validateAndExport(int iteration, RefinerTrainProgress &p);

    RefinerTrainOptions m_o;
    std::function<bool(const RefinerTrainProgress &)> m_progress;
    std::function<void(const std::string &)> m_log;
    torch::Device m_device = torch::kCPU;
    RefinerArch m_arch;
    ChromaRefinerNet m_net{nullptr};
    std::unique_ptr<torch::optim::Adam> m_opt;
    PatchSet m_train, m_val;
    int m_start = 0;
};

void RefinerTrainer::saveCheckpoint(int iteration)
{
    torch::serialize::OutputArchive archive, net, opt;
    m_net->save(net);
    m_opt->save(opt);
    archive.write("refiner", net);
    archive.write("optimizer", opt);
    archive.write("iteration", torch::tensor(int64_t(iteration)));
    archive.write(
        "arch", torch::tensor({int64_t(m_arch.width), int64_t(m_arch.depth),
                               int64_t(m_arch.tapSpacing), int64_t(m_o.batch), int64_t(m_o.seed)}));
    const std::string path = m_o.outDir + "/checkpoint.pt";
    saveCheckpointArchive(archive, path);
}

std::string RefinerTrainer::validateAndExport(int iteration, RefinerTrainProgress &p)
{
    p.validated = true;
    if (m_val.count > 0) {
        torch::NoGradGuard noGrad;
        m_net->eval();
        double seIn = 0, seOut = 0, n = 0;
        for (int first = 0; first < m_val.count; first += 64) {
            std::vector<int> which;
            for (int i = first; i < std::min(m_val.count, first + 64); ++i)
                which.push_back(i);
            torch::Tensor input, target;
            toTensors(m_val, which, false, input, target);
            const torch::Tensor out = m_net->forward(input.to(m_device)).to(torch::kCPU);
            const torch::Tensor t = interior(target) * 128.0;
            seIn += (interior(input.slice(1, 1, 3)) * 128.0 - t).square().sum().item<double>();
            seOut += (interior(out) * 128.0 - t).square().sum().item<double>();
            n += double(t.numel());
        }
        auto psnr = [&](double se) {
            return 10.0 * std::log10(255.0 * 255.0 / std::max(1e-10, se / n));
        };
        p.valPsnrIn = psnr(seIn);
        p.valPsnrOut = psnr(seOut);
        m_net->train();
        std::ofstream csv(m_o.outDir + "/validation.csv", std::ios::app);
        csv << iteration << ',' << p.valPsnrIn << ',' << p.valPsnrOut << ',' << p.loss << '\n';
    }
    std::map<std::string, std::string> meta = refinerMetadata(m_arch);
    meta["iterations"] = std::to_string(iteration);
    return writeSafetensorsFile(m_o.outDir + "/refiner.safetensors", namedState(*m_net), meta);
}

RefinerTrainOutcome RefinerTrainer::run()
{
    RefinerTrainOutcome outcome;
    if (std::string e = trainingDevice(m_o.device, m_o.threads, m_device); !e.empty()) {
        outcome.error = e;
        return outcome;
    }
    m_arch = RefinerArch{m_o.width, m_o.depth, m_o.tapSpacing};
    torch::serialize::InputArchive resumed;
    if (!m_o.resumePath.empty()) {
        resumed.load_from(m_o.resumePath, m_device);
        torch::Tensor arch, iteration;
        resumed.read("arch", arch);
        resumed.read("iteration", iteration);
        arch = arch.to(torch::kCPU);
        const auto a = arch.accessor<int64_t, 1>();
        m_arch = RefinerArch{int(a[0]), int(a[1]), int(a[2])};
        m_o.batch = int(a[3]);
        m_o.seed = uint64_t(a[4]);
        m_start = int(iteration.item<int64_t>());
    }
    if (std::string e = loadPatches(m_o.datasetPath, m_train); !e.empty()) {
        outcome.error = e;
        return outcome;
    }
    if (!m_o.valPath.empty())
        if (std::string e = loadPatches(m_o.valPath, m_val); !e.empty()) {
            outcome.error = e;
            return outcome;
        }
    if (m_train.side <= 2 * margin() + 1) {
        outcome.error = "patches of " + std::to_string(m_train.side) +
                        " px are too small for this net (its reach is " + std::to_string(margin()) +
                        " px)";
        return outcome;
    }
    torch::manual_seed(m_o.seed);
    m_net = ChromaRefinerNet(m_arch);
    m_net->to(m_device);
    m_opt = std::make_unique<torch::optim::Adam>(m_net->parameters(),
                                                 torch::optim::AdamOptions(m_o.learningRate));
    if (!m_o.resumePath.empty()) {
        torch::serialize::InputArchive net, opt;
        resumed.read("refiner", net);
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
        std::uniform_int_distribution<int> pick(0, m_train.count - 1);
        std::vector<int> which(size_t(m_o.batch));
        for (int &w : which)
            w = pick(rng);
        torch::Tensor input, target;
        toTensors(m_train, which, std::bernoulli_distribution(0.5)(rng), input, target);
        const torch::Tensor out = m_net->forward(input.to(m_device));
        const torch::Tensor loss = torch::mse_loss(interior(out), interior(target.to(m_device)));
        m_opt->zero_grad();
        loss.backward();
        m_opt->step();
        return loss.item<double>();
    };
    const auto fill = [](RefinerTrainProgress &q, int, double loss) { q.loss = loss; };
    const auto validate = [this](int done, RefinerTrainProgress &q) {
        return validateAndExport(done, q);
    };
    const LoopSchedule schedule{m_start, m_o.iterations, m_o.seed, m_o.validateEvery,
                                m_o.checkpointEvery};
    return trainingLoop<RefinerTrainOutcome, RefinerTrainProgress, double>(
        schedule, step, fill, validate, m_progress, [this](int done) { saveCheckpoint(done); });
}

} // namespace

RefinerTrainOutcome trainRefiner(const RefinerTrainOptions &options,
                                 const std::function<bool(const RefinerTrainProgress &)> &progress,
                                 const std::function<void(const std::string &)> &log)
{
    return guardedTraining<RefinerTrainOutcome>([&] {
        RefinerTrainer trainer(options, progress, log);
        return trainer.run();
    });
}

} // namespace tincture::ml
