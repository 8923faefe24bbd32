// LibTorch first (see net.h); no Qt here.
#include "ml/internal/binsnet.h"
#include "ml/internal/net.h"
#include "ml/internal/packedimages.h"
#include "ml/internal/safetensors.h"
#include "ml/internal/trainloop.h"
#include "ml/binstrainer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

namespace tincture::ml {

std::string writeRandomRecurrentBins(const std::string &path, int width, int bins, uint64_t seed)
{
    try {
        torch::manual_seed(seed);
        RecurrentBinsNet net(BinsArch{width, bins});
        torch::NoGradGuard noGrad;
        for (auto &p : net->consistency->parameters()) // its last layer too: not the colour net
            p.uniform_(-0.3, 0.3);
        return writeSafetensorsFile(path, namedState(*net), binsMetadata(net->arch()));
    } catch (const c10::Error &e) {
        return std::string("LibTorch: ") + e.what_without_backtrace();
    }
}

namespace {

namespace fs = std::filesystem;

// Frames t of the clips numbered in `which` → grey (N×1×H×W, 0–255) and true chroma
// (N×2×H×W, 0–255), each mirrored left to right where `mirror` says.
void clipFrames(const ClipSet &set, const std::vector<int> &which, int t,
                const std::vector<bool> &mirror, torch::Tensor &grey, torch::Tensor &chroma)
{
    const int n = int(which.size()), h = set.height, w = set.width;
    torch::Tensor raw = torch::empty({n, h, w, 5}, torch::kUInt8);
    for (int i = 0; i < n; ++i)
        std::memcpy(raw.data_ptr<uint8_t>() + size_t(i) * set.frameBytes(),
                    set.frame(which[size_t(i)], t), set.frameBytes());
    torch::Tensor f = raw.permute({0, 3, 1, 2}).to(torch::kFloat32);
    for (int i = 0; i < n; ++i)
        if (!mirror.empty() && mirror[size_t(i)])
            f[i] = f[i].flip({2});
    grey = f.slice(1, 0, 1).contiguous();
    chroma = f.slice(1, 3, 5).contiguous();
}

class BinsTrainer
{
public:
    BinsTrainer(BinsTrainOptions o, const std::function<bool(const BinsTrainProgress &)> &progress,
                const std::function<void(const std::string &)> &log)
        : m_o(std::move(o)), m_progress(progress), m_log(log)
    {
    }
    BinsTrainOutcome run();

private:
    int stageOf(int iteration) const { return iteration < m_o.colourIterations ? 1 : 2; }
    double learningRate(int iteration) const;
    torch::Tensor stepColour(std::mt19937_64 &rng);
    torch::Tensor stepConsistency(std::mt19937_64 &rng);
    void saveCheckpoint(int iteration);
    std::string validateAndExport(int iteration, BinsTrainProgress &p);
    void validatePhotos(BinsTrainProgress &p);
    void validateClips(BinsTrainProgress &p);

    BinsTrainOptions m_o;
    std::function<bool(const BinsTrainProgress &)> m_progress;
    std::function<void(const std::string &)> m_log;
    torch::Device m_device = torch::kCPU;
    BinsArch m_arch;
    RecurrentBinsNet m_net{nullptr};
    std::unique_ptr<torch::optim::Adam> m_optColour, m_optConsistency;
    PackedSet m_photos, m_valPhotos;
    ClipSet m_clips, m_valClips;
    int m_start = 0;
};

double BinsTrainer::learningRate(int it) const
{
    return twoStageLearningRate(it, m_o.colourIterations, m_o.iterations, m_o.learningRate);
}

torch::Tensor BinsTrainer::stepColour(std::mt19937_64 &rng)
{
    const torch::Tensor ycc =
        rgbToYcc(sampleBatch(m_photos, m_o.batch, m_o.cropSize, rng)).to(m_device);
    const torch::Tensor logits = m_net->colour->forward(greyInput(ycc.slice(1, 0, 1)));
    return binsLoss(logits, chromaBins(ycc.slice(1, 1, 3), m_arch.bins), m_arch.bins);
}

torch::Tensor BinsTrainer::stepConsistency(std::mt19937_64 &rng)
{
    std::uniform_int_distribution<int> pickClip(0, m_clips.count - 1);
    std::uniform_int_distribution<int> pickFrame(1, m_clips.frames - 1);
    std::bernoulli_distribution coin(0.5);
    const int n = m_o.batch;
    std::vector<int> clip(static_cast<size_t>(n)), frame(static_cast<size_t>(n));
    std::vector<bool> mirror(static_cast<size_t>(n)), trueBins(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        clip[size_t(i)] = pickClip(rng);
        frame[size_t(i)] = pickFrame(rng);
        mirror[size_t(i)] = coin(rng);
        trueBins[size_t(i)] = coin(rng);
    }
    // Each sample's pair (t − 1, t) as a batch of one, stacked.
    std::vector<torch::Tensor> g, c, pg, pc;
    for (int i = 0; i < n; ++i) {
        torch::Tensor grey, chroma, prevGrey, prevChroma;
        clipFrames(m_clips, {clip[size_t(i)]}, frame[size_t(i)], {mirror[size_t(i)]}, grey, chroma);
        clipFrames(m_clips, {clip[size_t(i)]}, frame[size_t(i)] - 1, {mirror[size_t(i)]}, prevGrey,
                   prevChroma);
        g.push_back(grey);
        c.push_back(chroma);
        pg.push_back(prevGrey);
        pc.push_back(prevChroma);
    }
    const torch::Tensor grey = greyInput(torch::cat(g)).to(m_device);
    const torch::Tensor prevGrey = greyInput(torch::cat(pg)).to(m_device);
    const torch::Tensor truth = torch::cat(c).to(m_device);
    torch::Tensor colourLogits, prevBinned;
    {
        torch::NoGradGuard noGrad;
        colourLogits = m_net->colour->forward(grey);
        const torch::Tensor own = argmaxChroma(m_net->colour->forward(prevGrey), m_arch.bins);
        const torch::Tensor exact =
            (chromaBins(torch::cat(pc).to(m_device), m_arch.bins).to(torch::kFloat32) + 0.5) *
            (256.0 / m_arch.bins);
        std::vector<float> pick(trueBins.begin(), trueBins.end());
        const torch::Tensor useExact = torch::tensor(pick).view({n, 1, 1, 1}).to(m_device);
        prevBinned = chromaInput(useExact * exact + (1.0 - useExact) * own);
    }
    const torch::Tensor logits =
        m_net->consistency->forward(grey, colourLogits, prevGrey, prevBinned);
    return binsLoss(logits, chromaBins(truth, m_arch.bins), m_arch.bins);
}

void BinsTrainer::saveCheckpoint(int iteration)
{
    torch::serialize::OutputArchive archive, net, optColour, optConsistency;
    m_net->save(net);
    m_optColour->save(optColour);
    m_optConsistency->save(optConsistency);
    archive.write("net", net);
    archive.write("optimizer_colour", optColour);
    archive.write("optimizer_consistency", optConsistency);
    archive.write("iteration", torch::tensor(int64_t(iteration)));
    archive.write("arch", torch::tensor({int64_t(m_arch.width), int64_t(m_arch.bins),
                                         int64_t(m_o.batch), int64_t(m_o.seed),
                                         int64_t(m_o.colourIterations), int64_t(m_o.cropSize)}));
    const std::string path = m_o.outDir + "/checkpoint.pt";
    saveCheckpointArchive(archive, path);
}

void BinsTrainer::validatePhotos(BinsTrainProgress &p)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    p.photoPsnr = p.photoGreyPsnr = p.photoAccuracyU = p.photoAccuracyV = nan;
    if (m_valPhotos.count == 0)
        return;
    const int B = m_arch.bins;
    double se = 0, seGrey = 0, n = 0, hitU = 0, hitV = 0, pixels = 0;
    for (int first = 0; first < m_valPhotos.count; first += 8) {
        const int count = std::min(8, m_valPhotos.count - first);
        const torch::Tensor ycc = rgbToYcc(packedPictures(m_valPhotos, first, count)).to(m_device);
        const torch::Tensor logits = m_net->colour->forward(greyInput(ycc.slice(1, 0, 1)));
        const torch::Tensor truth = ycc.slice(1, 1, 3);
        se += (annealedChroma(logits, B) - truth).square().sum().item<double>();
        seGrey += (truth - 128.0).square().sum().item<double>();
        n += double(truth.numel());
        const torch::Tensor want = chromaBins(truth, B);
        hitU += logits.slice(1, 0, B).argmax(1).eq(want.select(1, 0)).sum().item<double>();
        hitV += logits.slice(1, B, 2 * B).argmax(1).eq(want.select(1, 1)).sum().item<double>();
        pixels += double(want.select(1, 0).numel());
    }
    p.photoPsnr = psnrOfSquaredError(se, n);
    p.photoGreyPsnr = psnrOfSquaredError(seGrey, n);
    p.photoAccuracyU = hitU / pixels;
    p.photoAccuracyV = hitV / pixels;
}

void BinsTrainer::validateClips(BinsTrainProgress &p)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    p.clipPsnrColour = p.clipPsnrFull = nan;
    p.clipChangeColour = p.clipChangeFull = p.clipChangeTruth = nan;
    if (m_valClips.count == 0)
        return;
    const int B = m_arch.bins;
    ClipScores scores;
    for (int first = 0; first < m_valClips.count; first += 8) {
        std::vector<int> which;
        for (int i = first; i < std::min(m_valClips.count, first + 8); ++i)
            which.push_back(i);
        torch::Tensor prevGrey, prevBinned;
        for (int t = 0; t < m_valClips.frames; ++t) {
            torch::Tensor grey255, truth;
            clipFrames(m_valClips, which, t, {}, grey255, truth);
            const torch::Tensor grey = greyInput(grey255).to(m_device);
            const torch::Tensor colourLogits = m_net->colour->forward(grey);
            const torch::Tensor logits =
                t == 0 ? colourLogits
                       : m_net->consistency->forward(grey, colourLogits, prevGrey, prevBinned);
            scores.addFrame(annealedChroma(colourLogits, B), annealedChroma(logits, B),
                            truth.to(m_device));
            prevGrey = grey;
            prevBinned = chromaInput(argmaxChroma(logits, B));
        }
        scores.endClip();
    }
    p.clipPsnrColour = scores.psnr(0);
    p.clipPsnrFull = scores.psnr(1);
    p.clipChangeColour = scores.change(0);
    p.clipChangeFull = scores.change(1);
    p.clipChangeTruth = scores.change(2);
}

std::string BinsTrainer::validateAndExport(int iteration, BinsTrainProgress &p)
{
    p.validated = true;
    p.stage = stageOf(std::max(0, iteration - 1)); // the stage of the last iteration done
    {
        torch::NoGradGuard noGrad;
        m_net->eval();
        validatePhotos(p);
        validateClips(p);
        m_net->train();
    }
    std::ofstream csv(m_o.outDir + "/validation.csv", std::ios::app);
    csv << iteration << ',' << p.stage << ',' << p.photoPsnr << ',' << p.photoGreyPsnr << ','
        << p.photoAccuracyU << ',' << p.photoAccuracyV << ',' << p.clipPsnrColour << ','
        << p.clipPsnrFull << ',' << p.clipChangeColour << ',' << p.clipChangeFull << ','
        << p.clipChangeTruth << ',' << p.loss << '\n';
    std::map<std::string, std::string> meta = binsMetadata(m_arch);
    meta["iterations"] = std::to_string(iteration);
    return writeSafetensorsFile(m_o.outDir + "/recurrent-bins.safetensors", namedState(*m_net),
                                meta);
}

BinsTrainOutcome BinsTrainer::run()
{
    BinsTrainOutcome outcome;
    auto fail = [&](std::string e) {
        outcome.error = std::move(e);
        return outcome;
    };
    if (std::string e = trainingDevice(m_o.device, m_o.threads, m_device); !e.empty())
        return fail(e);
    m_arch = BinsArch{m_o.width, m_o.bins};
    torch::serialize::InputArchive resumed;
    if (!m_o.resumePath.empty()) {
        resumed.load_from(m_o.resumePath, m_device);
        torch::Tensor arch, iteration;
        resumed.read("arch", arch);
        resumed.read("iteration", iteration);
        arch = arch.to(torch::kCPU);
        const auto a = arch.accessor<int64_t, 1>();
        m_arch = BinsArch{int(a[0]), int(a[1])};
        m_o.batch = int(a[2]);
        m_o.seed = uint64_t(a[3]);
        m_o.colourIterations = int(a[4]);
        m_o.cropSize = int(a[5]);
        m_start = int(iteration.item<int64_t>());
    }
    if (m_o.colourIterations < 0 || m_o.colourIterations > m_o.iterations)
        return fail("the colour net's iterations must be between 0 and the total");
    if (m_arch.bins < 2 || m_arch.bins > 256 || m_arch.width < 1)
        return fail("bins must be 2–256 and the width positive");
    if (std::string e = loadPacked(m_o.photosPath, m_photos); !e.empty())
        return fail(e);
    if (m_photos.height < m_o.cropSize || m_photos.width < m_o.cropSize)
        return fail(m_o.photosPath + ": photographs smaller than a " +
                    std::to_string(m_o.cropSize) + " px crop");
    if (!m_o.valPhotosPath.empty())
        if (std::string e = loadPacked(m_o.valPhotosPath, m_valPhotos); !e.empty())
            return fail(e);
    if (m_o.iterations > m_o.colourIterations) {
        if (std::string e = loadClips(m_o.clipsPath, m_clips); !e.empty())
            return fail(e);
        if (!m_o.valClipsPath.empty())
            if (std::string e = loadClips(m_o.valClipsPath, m_valClips); !e.empty())
                return fail(e);
    }
    torch::manual_seed(m_o.seed);
    m_net = RecurrentBinsNet(m_arch);
    m_net->to(m_device);
    m_optColour = std::make_unique<torch::optim::Adam>(m_net->colour->parameters(),
                                                       torch::optim::AdamOptions(m_o.learningRate));
    m_optConsistency = std::make_unique<torch::optim::Adam>(
        m_net->consistency->parameters(), torch::optim::AdamOptions(m_o.learningRate));
    if (!m_o.resumePath.empty()) {
        torch::serialize::InputArchive net, optColour, optConsistency;
        resumed.read("net", net);
        resumed.read("optimizer_colour", optColour);
        resumed.read("optimizer_consistency", optConsistency);
        m_net->load(net);
        m_optColour->load(optColour);
        m_optConsistency->load(optConsistency);
        m_log("resumed at iteration " + std::to_string(m_start) + " from " + m_o.resumePath);
    }
    m_net->train();
    const std::string csvPath = m_o.outDir + "/validation.csv";
    if (m_start == 0 || !fs::exists(csvPath)) {
        std::ofstream csv(csvPath, std::ios::trunc);
        csv << "iteration,stage,val_photo_chroma_psnr_db,val_photo_grey_psnr_db,val_photo_acc_u,"
               "val_photo_acc_v,val_clip_psnr_colour_db,val_clip_psnr_full_db,"
               "val_clip_change_colour,val_clip_change_full,val_clip_change_truth,loss\n";
    }
    const auto step = [this](int it, std::mt19937_64 &rng) {
        const int stage = stageOf(it);
        torch::optim::Adam &opt = stage == 1 ? *m_optColour : *m_optConsistency;
        for (auto &group : opt.param_groups())
            static_cast<torch::optim::AdamOptions &>(group.options()).lr(learningRate(it));
        // Stage 2 trains the consistency net on a frozen colour net (its BatchNorm statistics
        // too).
        m_net->colour->train(stage == 1);
        const torch::Tensor loss = stage == 1 ? stepColour(rng) : stepConsistency(rng);
        opt.zero_grad();
        loss.backward();
        opt.step();
        return loss.item<double>();
    };
    const auto fill = [this](BinsTrainProgress &q, int it, double loss) {
        q.stage = stageOf(it);
        q.loss = loss;
    };
    const auto validate = [this](int done, BinsTrainProgress &q) {
        return validateAndExport(done, q);
    };
    const LoopSchedule schedule{m_start,           m_o.iterations,      m_o.seed,
                                m_o.validateEvery, m_o.checkpointEvery, m_o.colourIterations};
    return trainingLoop<BinsTrainOutcome, BinsTrainProgress, double>(
        schedule, step, fill, validate, m_progress, [this](int done) { saveCheckpoint(done); });
}

} // namespace

BinsTrainOutcome trainRecurrentBins(const BinsTrainOptions &options,
                                    const std::function<bool(const BinsTrainProgress &)> &progress,
                                    const std::function<void(const std::string &)> &log)
{
    return guardedTraining<BinsTrainOutcome>([&] {
        BinsTrainer trainer(options, progress, log);
        return trainer.run();
    });
}

} // namespace tincture::ml
