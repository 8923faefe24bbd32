// LibTorch first (see net.h); no Qt here.
#include "ml/internal/binsnet.h"
#include "ml/internal/cnnlstmnet.h"
#include "ml/internal/net.h"
#include "ml/internal/packedimages.h"
#include "ml/internal/safetensors.h"
#include "ml/internal/trainloop.h"
#include "ml/cnnlstmtrainer.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

namespace tincture::ml {

std::string writeRandomCnnLstm(const std::string &path, int width, uint64_t seed, int &bins)
{
    try {
        torch::manual_seed(seed);
        const torch::Tensor ab = gamutBins();
        bins = int(ab.size(0));
        CnnLstmNet net(CnnLstmArch{width, bins}, ab);
        // Stronger than the default initialisation where the memory enters, so that what it
        // carries shows in a test's colours.
        torch::NoGradGuard noGrad;
        for (auto &p : net->named_parameters())
            if (p.key().rfind("lstm.", 0) == 0 || p.key().rfind("reduce.", 0) == 0)
                p.value().uniform_(-0.5, 0.5);
        // Rebalancing weights as a training run exports them (positive, mean about 1).
        auto tensors = namedState(*net);
        tensors.emplace_back(kClassWeightsTensor, torch::rand({bins}) * 1.5 + 0.25);
        return writeSafetensorsFile(path, tensors, cnnLstmMetadata(net->arch()));
    } catch (const c10::Error &e) {
        return std::string("LibTorch: ") + e.what_without_backtrace();
    }
}

namespace {

namespace fs = std::filesystem;
namespace F = torch::nn::functional;

// True a*b* at the logits' scale (1/4) of sRGB in [0, 1] (N×3×H×W).
torch::Tensor quarterAb(const torch::Tensor &rgb)
{
    return F::avg_pool2d(rgbToLab(rgb).slice(1, 1, 3), F::AvgPool2dFuncOptions(4));
}

// A packed photograph set's pictures first..first+count as sRGB N×3×H×W in [0, 1], cropped to
// multiples of 8.
torch::Tensor packedRgb(const PackedSet &set, int first, int count)
{
    return packedPictures(set, first, count)
        .slice(2, 0, set.height / 8 * 8)
        .slice(3, 0, set.width / 8 * 8);
}

class CnnLstmTrainer
{
public:
    CnnLstmTrainer(CnnLstmTrainOptions o,
                   const std::function<bool(const CnnLstmTrainProgress &)> &progress,
                   const std::function<void(const std::string &)> &log)
        : m_o(std::move(o)), m_progress(progress), m_log(log)
    {
    }
    CnnLstmTrainOutcome run();

private:
    int stageOf(int iteration) const { return iteration < m_o.imageIterations ? 1 : 2; }
    double learningRate(int iteration) const;
    double step(int iteration, std::mt19937_64 &rng);
    void computeClassWeights();
    void saveCheckpoint(int iteration);
    std::string validateAndExport(int iteration, CnnLstmTrainProgress &p);
    void validatePhotos(CnnLstmTrainProgress &p);
    void validateClips(CnnLstmTrainProgress &p);

    CnnLstmTrainOptions m_o;
    std::function<bool(const CnnLstmTrainProgress &)> m_progress;
    std::function<void(const std::string &)> m_log;
    torch::Device m_device = torch::kCPU;
    CnnLstmArch m_arch;
    CnnLstmNet m_net{nullptr};
    torch::Tensor m_bins, m_weights, m_counts;
    std::unique_ptr<torch::optim::Adam> m_opt;
    PackedSet m_photos, m_valPhotos;
    ClipSet m_clips, m_valClips;
    int m_start = 0;
};

double CnnLstmTrainer::learningRate(int it) const
{
    return twoStageLearningRate(it, m_o.imageIterations, m_o.iterations, m_o.learningRate);
}

void CnnLstmTrainer::computeClassWeights()
{
    torch::NoGradGuard noGrad;
    const int64_t q = m_bins.size(0);
    m_counts = torch::zeros({q}, torch::kFloat64);
    for (int first = 0; first < m_photos.count; first += 32) {
        const int count = std::min(32, m_photos.count - first);
        const torch::Tensor nearest =
            nearestBin(quarterAb(packedRgb(m_photos, first, count)), m_bins.to(torch::kCPU));
        m_counts += torch::bincount(nearest.flatten(), {}, q).to(torch::kFloat64);
    }
    m_weights = rebalancingWeights(m_counts, m_bins.to(torch::kCPU));
}

double CnnLstmTrainer::step(int it, std::mt19937_64 &rng)
{
    const torch::Tensor rgb = sampleBatch(m_photos, m_o.batch, m_o.cropSize, rng).to(m_device);
    const torch::Tensor grey = greyInput(rgbToYcc(rgb).slice(1, 0, 1));
    LstmState none;
    torch::Tensor loss =
        rebalancedLoss(m_net->forward(grey, none), quarterAb(rgb), m_bins, m_weights);
    if (stageOf(it) == 2) {
        std::uniform_int_distribution<int> pickClip(0, m_clips.count - 1);
        std::bernoulli_distribution coin(0.5);
        std::vector<torch::Tensor> g, c;
        for (int i = 0; i < m_o.clipBatch; ++i) {
            const int clip = pickClip(rng);
            const ClipTensors ct = clipTensors(m_clips, nullptr, clip, coin(rng));
            g.push_back(ct.grey);
            c.push_back(ct.chroma);
        }
        // T×N×…: the clips' frames, frame by frame.
        const torch::Tensor clipGrey = torch::stack(g, 1).to(m_device);
        const torch::Tensor clipChroma = torch::stack(c, 1).to(m_device);
        const torch::Tensor logits = m_net->forwardClip(greyInput(clipGrey));
        const torch::Tensor truth =
            quarterAb(yccToRgb(torch::cat({clipGrey, clipChroma}, 2).flatten(0, 1)));
        // The mean over every frame of every clip.
        loss = loss + rebalancedLoss(logits.flatten(0, 1), truth, m_bins, m_weights);
    }
    for (auto &group : m_opt->param_groups())
        static_cast<torch::optim::AdamOptions &>(group.options()).lr(learningRate(it));
    m_opt->zero_grad();
    loss.backward();
    m_opt->step();
    return loss.item<double>();
}

void CnnLstmTrainer::saveCheckpoint(int iteration)
{
    torch::serialize::OutputArchive archive, net, opt;
    m_net->save(net);
    m_opt->save(opt);
    archive.write("net", net);
    archive.write("optimizer", opt);
    archive.write("class_counts", m_counts);
    archive.write("iteration", torch::tensor(int64_t(iteration)));
    archive.write("arch",
                  torch::tensor({int64_t(m_arch.width), int64_t(m_arch.bins), int64_t(m_o.batch),
                                 int64_t(m_o.seed), int64_t(m_o.imageIterations),
                                 int64_t(m_o.cropSize), int64_t(m_o.clipBatch)}));
    const std::string path = m_o.outDir + "/checkpoint.pt";
    saveCheckpointArchive(archive, path);
}

void CnnLstmTrainer::validatePhotos(CnnLstmTrainProgress &p)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    p.photoPsnr = p.photoGreyPsnr = nan;
    if (m_valPhotos.count == 0)
        return;
    double se = 0, seGrey = 0, n = 0;
    for (int first = 0; first < m_valPhotos.count; first += 8) {
        const int count = std::min(8, m_valPhotos.count - first);
        const torch::Tensor ycc = rgbToYcc(packedRgb(m_valPhotos, first, count)).to(m_device);
        const torch::Tensor y = ycc.slice(1, 0, 1), truth = ycc.slice(1, 1, 3);
        LstmState none;
        const torch::Tensor logits = m_net->forward(greyInput(y), none);
        se += (chromaOfLogits(logits, m_bins, y) - truth).square().sum().item<double>();
        seGrey += (truth - 128.0).square().sum().item<double>();
        n += double(truth.numel());
    }
    p.photoPsnr = psnrOfSquaredError(se, n);
    p.photoGreyPsnr = psnrOfSquaredError(seGrey, n);
}

void CnnLstmTrainer::validateClips(CnnLstmTrainProgress &p)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    p.clipPsnrOn = p.clipPsnrOff = nan;
    p.clipChangeOn = p.clipChangeOff = p.clipChangeTruth = nan;
    if (m_valClips.count == 0)
        return;
    ClipScores scores;
    for (int clip = 0; clip < m_valClips.count; ++clip) {
        const ClipTensors ct = clipTensors(m_valClips, nullptr, clip, false);
        LstmState memory;
        for (int64_t t = 0; t < ct.grey.size(0); ++t) {
            const torch::Tensor y = ct.grey.slice(0, t, t + 1).to(m_device);
            LstmState none;
            const torch::Tensor on =
                chromaOfLogits(m_net->forward(greyInput(y), memory), m_bins, y);
            const torch::Tensor off = chromaOfLogits(m_net->forward(greyInput(y), none), m_bins, y);
            scores.addFrame(on, off, ct.chroma.slice(0, t, t + 1).to(m_device));
        }
        scores.endClip();
    }
    p.clipPsnrOn = scores.psnr(0);
    p.clipPsnrOff = scores.psnr(1);
    p.clipChangeOn = scores.change(0);
    p.clipChangeOff = scores.change(1);
    p.clipChangeTruth = scores.change(2);
}

std::string CnnLstmTrainer::validateAndExport(int iteration, CnnLstmTrainProgress &p)
{
    p.validated = true;
    p.stage = stageOf(std::max(0, iteration - 1));
    {
        torch::NoGradGuard noGrad;
        m_net->eval();
        validatePhotos(p);
        validateClips(p);
        m_net->train();
    }
    std::ofstream csv(m_o.outDir + "/validation.csv", std::ios::app);
    csv << iteration << ',' << p.stage << ',' << p.photoPsnr << ',' << p.photoGreyPsnr << ','
        << p.clipPsnrOn << ',' << p.clipPsnrOff << ',' << p.clipChangeOn << ',' << p.clipChangeOff
        << ',' << p.clipChangeTruth << ',' << p.loss << '\n';
    std::map<std::string, std::string> meta = cnnLstmMetadata(m_arch);
    meta["iterations"] = std::to_string(iteration);
    auto tensors = namedState(*m_net);
    tensors.emplace_back(kClassWeightsTensor, m_weights.to(torch::kCPU));
    return writeSafetensorsFile(m_o.outDir + "/cnn-lstm.safetensors", tensors, meta);
}

CnnLstmTrainOutcome CnnLstmTrainer::run()
{
    CnnLstmTrainOutcome outcome;
    auto fail = [&](std::string e) {
        outcome.error = std::move(e);
        return outcome;
    };
    if (std::string e = trainingDevice(m_o.device, m_o.threads, m_device); !e.empty())
        return fail(e);
    m_bins = gamutBins();
    m_arch = CnnLstmArch{m_o.width, int(m_bins.size(0))};
    torch::serialize::InputArchive resumed;
    if (!m_o.resumePath.empty()) {
        resumed.load_from(m_o.resumePath, torch::kCPU);
        torch::Tensor arch, iteration;
        resumed.read("arch", arch);
        resumed.read("iteration", iteration);
        resumed.read("class_counts", m_counts);
        const auto a = arch.accessor<int64_t, 1>();
        if (a.size(0) != 7 || int(a[1]) != m_arch.bins)
            return fail(m_o.resumePath + ": not a cnn-lstm checkpoint of these bins");
        m_arch.width = int(a[0]);
        m_o.batch = int(a[2]);
        m_o.seed = uint64_t(a[3]);
        m_o.imageIterations = int(a[4]);
        m_o.cropSize = int(a[5]);
        m_o.clipBatch = int(a[6]);
        m_start = int(iteration.item<int64_t>());
    }
    if (m_o.imageIterations < 0 || m_o.imageIterations > m_o.iterations)
        return fail("the first stage's iterations must be between 0 and the total");
    if (m_arch.width < 1 || m_o.clipBatch < 1 || m_o.cropSize < 8 || m_o.cropSize % 8 != 0)
        return fail("the width and the clip batch must be positive and the crop a multiple of 8");
    if (std::string e = loadPacked(m_o.photosPath, m_photos); !e.empty())
        return fail(e);
    if (m_photos.height < m_o.cropSize || m_photos.width < m_o.cropSize)
        return fail(m_o.photosPath + ": photographs smaller than a " +
                    std::to_string(m_o.cropSize) + " px crop");
    if (!m_o.valPhotosPath.empty())
        if (std::string e = loadPacked(m_o.valPhotosPath, m_valPhotos); !e.empty())
            return fail(e);
    if (m_o.iterations > m_o.imageIterations) {
        if (std::string e = loadClips(m_o.clipsPath, m_clips); !e.empty())
            return fail(e);
        if (m_clips.height % 8 != 0 || m_clips.width % 8 != 0)
            return fail(m_o.clipsPath + ": clip frames must be multiples of 8 pixels");
        if (!m_o.valClipsPath.empty())
            if (std::string e = loadClips(m_o.valClipsPath, m_valClips); !e.empty())
                return fail(e);
    }
    if (!m_counts.defined())
        computeClassWeights();
    else
        m_weights = rebalancingWeights(m_counts, m_bins);
    if (m_start == 0) {
        std::ofstream csv(m_o.outDir + "/class-weights.csv", std::ios::trunc);
        csv << "a,b,share,weight\n";
        const torch::Tensor share = m_counts / m_counts.sum().clamp_min(1);
        for (int64_t q = 0; q < m_bins.size(0); ++q)
            csv << m_bins[q][0].item<double>() << ',' << m_bins[q][1].item<double>() << ','
                << share[q].item<double>() << ',' << m_weights[q].item<double>() << '\n';
    }
    m_bins = m_bins.to(m_device);
    m_weights = m_weights.to(m_device);
    torch::manual_seed(m_o.seed);
    m_net = CnnLstmNet(m_arch, m_bins);
    m_net->to(m_device);
    m_opt = std::make_unique<torch::optim::Adam>(m_net->parameters(),
                                                 torch::optim::AdamOptions(m_o.learningRate));
    if (!m_o.resumePath.empty()) {
        torch::serialize::InputArchive net, opt;
        resumed.read("net", net);
        resumed.read("optimizer", opt);
        m_net->load(net);
        m_net->to(m_device);
        m_opt->load(opt);
        m_log("resumed at iteration " + std::to_string(m_start) + " from " + m_o.resumePath);
    }
    m_net->train();
    const std::string csvPath = m_o.outDir + "/validation.csv";
    if (m_start == 0 || !fs::exists(csvPath)) {
        std::ofstream csv(csvPath, std::ios::trunc);
        csv << "iteration,stage,val_photo_chroma_psnr_db,val_photo_grey_psnr_db,"
               "val_clip_psnr_on_db,val_clip_psnr_off_db,val_clip_change_on,"
               "val_clip_change_off,val_clip_change_truth,loss\n";
    }
    const auto step = [this](int it, std::mt19937_64 &rng) { return this->step(it, rng); };
    const auto fill = [this](CnnLstmTrainProgress &q, int it, double loss) {
        q.stage = stageOf(it);
        q.loss = loss;
    };
    const auto validate = [this](int done, CnnLstmTrainProgress &q) {
        return validateAndExport(done, q);
    };
    const LoopSchedule schedule{m_start,           m_o.iterations,      m_o.seed,
                                m_o.validateEvery, m_o.checkpointEvery, m_o.imageIterations};
    CnnLstmTrainOutcome done = trainingLoop<CnnLstmTrainOutcome, CnnLstmTrainProgress, double>(
        schedule, step, fill, validate, m_progress, [this](int d) { saveCheckpoint(d); });
    done.bins = m_arch.bins;
    return done;
}

} // namespace

CnnLstmTrainOutcome trainCnnLstm(const CnnLstmTrainOptions &options,
                                 const std::function<bool(const CnnLstmTrainProgress &)> &progress,
                                 const std::function<void(const std::string &)> &log)
{
    return guardedTraining<CnnLstmTrainOutcome>([&] {
        CnnLstmTrainer trainer(options, progress, log);
        return trainer.run();
    });
}

} // namespace tincture::ml
