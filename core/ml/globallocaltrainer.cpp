// LibTorch first (see net.h); no Qt here.
#include "ml/internal/binsnet.h"
#include "ml/internal/globallocalnet.h"
#include "ml/internal/net.h"
#include "ml/internal/packedimages.h"
#include "ml/internal/safetensors.h"
#include "ml/internal/trainloop.h"
#include "ml/globallocaltrainer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

namespace tincture::ml {

std::string writeRandomGlobalLocal(const std::string &path, int width, int classes, uint64_t seed)
{
    try {
        torch::manual_seed(seed);
        GlobalLocalNet net(GlobalLocalArch{width, classes});
        return writeSafetensorsFile(path, namedState(*net), globalLocalMetadata(net->arch()));
    } catch (const c10::Error &e) {
        return std::string("LibTorch: ") + e.what_without_backtrace();
    }
}

namespace {

namespace fs = std::filesystem;
namespace F = torch::nn::functional;

// The temporal losses of a clip's outputs (T×2×H×W in [0, 1]): short-term over t ≥ 1 and its
// predecessor, long-term over t ≥ 2 and frame 0, each a mean over its pairs. grey in [0, 1].
std::pair<torch::Tensor, torch::Tensor> clipTemporalLosses(const torch::Tensor &out,
                                                           const torch::Tensor &grey,
                                                           const torch::Tensor &toPrev,
                                                           const torch::Tensor &toFirst)
{
    const int64_t T = out.size(0);
    const torch::Tensor cur = out.slice(0, 1, T), prev = out.slice(0, 0, T - 1);
    const torch::Tensor shortMask =
        visibilityMask(grey.slice(0, 1, T), grey.slice(0, 0, T - 1), toPrev.slice(0, 1, T));
    torch::Tensor shortTerm = temporalLoss(cur, prev, toPrev.slice(0, 1, T), shortMask);
    torch::Tensor longTerm = torch::zeros({}, out.options());
    if (T > 2) {
        const torch::Tensor first = out.slice(0, 0, 1).expand({T - 2, -1, -1, -1});
        const torch::Tensor greyFirst = grey.slice(0, 0, 1).expand({T - 2, -1, -1, -1});
        const torch::Tensor flow = toFirst.slice(0, 2, T);
        const torch::Tensor longMask = visibilityMask(grey.slice(0, 2, T), greyFirst, flow);
        longTerm = temporalLoss(out.slice(0, 2, T), first, flow, longMask);
    }
    return {shortTerm, longTerm};
}

class GlobalLocalTrainer
{
public:
    GlobalLocalTrainer(GlobalLocalTrainOptions o,
                       const std::function<bool(const GlobalLocalTrainProgress &)> &progress,
                       const std::function<void(const std::string &)> &log)
        : m_o(std::move(o)), m_progress(progress), m_log(log)
    {
    }
    GlobalLocalTrainOutcome run();

private:
    int stageOf(int iteration) const { return iteration < m_o.colourIterations ? 1 : 2; }
    double learningRate(int iteration) const;
    torch::Tensor photoLoss(ColorNet &net, const torch::Tensor &grey, const torch::Tensor &truth,
                            const torch::Tensor &labels);
    double step(int iteration, std::mt19937_64 &rng);
    void startSecondStage(bool copyWeights);
    void saveCheckpoint(int iteration);
    std::string validateAndExport(int iteration, GlobalLocalTrainProgress &p);
    void validatePhotos(GlobalLocalTrainProgress &p);
    void validateClips(GlobalLocalTrainProgress &p);

    GlobalLocalTrainOptions m_o;
    std::function<bool(const GlobalLocalTrainProgress &)> m_progress;
    std::function<void(const std::string &)> m_log;
    torch::Device m_device = torch::kCPU;
    GlobalLocalArch m_arch;
    GlobalLocalNet m_net{nullptr};
    std::unique_ptr<torch::optim::Adam> m_optPlain, m_optTemporal;
    PackedSet m_photos, m_valPhotos;
    std::vector<int> m_labels;
    ClipSet m_clips, m_valClips;
    FlowSet m_flows, m_valFlows;
    int m_start = 0;
};

double GlobalLocalTrainer::learningRate(int it) const
{
    return twoStageLearningRate(it, m_o.colourIterations, m_o.iterations, m_o.learningRate);
}

torch::Tensor GlobalLocalTrainer::photoLoss(ColorNet &net, const torch::Tensor &grey,
                                            const torch::Tensor &truth, const torch::Tensor &labels)
{
    torch::Tensor logits;
    torch::Tensor loss = F::mse_loss(net->forward(grey, &logits), truth);
    if (labels.defined() && labels.ge(0).any().item<bool>())
        loss = loss +
               m_o.classWeight *
                   F::cross_entropy(logits, labels, F::CrossEntropyFuncOptions().ignore_index(-1));
    return loss;
}

// Copies the photograph-trained net into "temporal" (weights and BatchNorm statistics).
void copyNet(ColorNet &from, ColorNet &to)
{
    torch::NoGradGuard noGrad;
    auto src = from->named_parameters(), dst = to->named_parameters();
    for (auto &p : dst)
        p.value().copy_(src[p.key()]);
    auto srcB = from->named_buffers(), dstB = to->named_buffers();
    for (auto &b : dstB)
        b.value().copy_(srcB[b.key()]);
}

void GlobalLocalTrainer::startSecondStage(bool copyWeights)
{
    if (copyWeights)
        copyNet(m_net->plain, m_net->temporal);
    m_optPlain = std::make_unique<torch::optim::Adam>(m_net->plain->parameters(),
                                                      torch::optim::AdamOptions(m_o.learningRate));
    m_optTemporal = std::make_unique<torch::optim::Adam>(
        m_net->temporal->parameters(), torch::optim::AdamOptions(m_o.learningRate));
}

double GlobalLocalTrainer::step(int it, std::mt19937_64 &rng)
{
    std::vector<int> picked;
    const torch::Tensor ycc =
        rgbToYcc(sampleBatch(m_photos, m_o.batch, m_o.cropSize, rng, &picked)).to(m_device);
    torch::Tensor labels;
    if (!m_labels.empty()) {
        std::vector<int64_t> l;
        for (int i : picked)
            l.push_back(m_labels[size_t(i)]);
        labels = torch::tensor(l, torch::kLong).to(m_device);
    }
    const torch::Tensor grey = greyInput(ycc.slice(1, 0, 1));
    const torch::Tensor truth = ycc.slice(1, 1, 3) / 255.0;
    if (stageOf(it) == 1) {
        const torch::Tensor loss = photoLoss(m_net->plain, grey, truth, labels);
        m_optPlain->zero_grad();
        loss.backward();
        m_optPlain->step();
        return loss.item<double>();
    }
    std::uniform_int_distribution<int> pickClip(0, m_clips.count - 1);
    std::bernoulli_distribution coin(0.5);
    std::vector<torch::Tensor> g, c, tp, tf;
    for (int i = 0; i < m_o.clipBatch; ++i) {
        const int clip = pickClip(rng);
        ClipTensors ct = clipTensors(m_clips, &m_flows, clip, coin(rng));
        g.push_back(ct.grey);
        c.push_back(ct.chroma);
        tp.push_back(ct.toPrev);
        tf.push_back(ct.toFirst);
    }
    double reported = 0;
    for (int which = 0; which < 2; ++which) {
        const bool temporal = which == 0;
        ColorNet &net = temporal ? m_net->temporal : m_net->plain;
        torch::optim::Adam &opt = temporal ? *m_optTemporal : *m_optPlain;
        torch::Tensor loss = photoLoss(net, grey, truth, labels);
        for (size_t i = 0; i < g.size(); ++i) {
            const torch::Tensor clipGrey = g[i].to(m_device);
            const torch::Tensor out = net->forward(greyInput(clipGrey));
            torch::Tensor clipLoss = F::mse_loss(out, c[i].to(m_device) / 255.0);
            if (temporal && m_o.temporalWeight > 0) {
                const auto [shortTerm, longTerm] = clipTemporalLosses(
                    out, clipGrey / 255.0, tp[i].to(m_device), tf[i].to(m_device));
                clipLoss = clipLoss + m_o.temporalWeight * (shortTerm + longTerm);
            }
            loss = loss + clipLoss / double(g.size());
        }
        opt.zero_grad();
        loss.backward();
        opt.step();
        if (temporal)
            reported = loss.item<double>();
    }
    return reported;
}

void GlobalLocalTrainer::saveCheckpoint(int iteration)
{
    torch::serialize::OutputArchive archive, net, optPlain, optTemporal;
    m_net->save(net);
    m_optPlain->save(optPlain);
    archive.write("net", net);
    archive.write("optimizer_plain", optPlain);
    const bool second = m_optTemporal != nullptr;
    if (second) {
        m_optTemporal->save(optTemporal);
        archive.write("optimizer_temporal", optTemporal);
    }
    archive.write("iteration", torch::tensor(int64_t(iteration)));
    archive.write("arch",
                  torch::tensor({int64_t(m_arch.width), int64_t(m_arch.classes), int64_t(m_o.batch),
                                 int64_t(m_o.seed), int64_t(m_o.colourIterations),
                                 int64_t(m_o.cropSize), int64_t(m_o.clipBatch), int64_t(second)}));
    archive.write("weights", torch::tensor({m_o.classWeight, m_o.temporalWeight, m_o.learningRate},
                                           torch::kFloat64));
    const std::string path = m_o.outDir + "/checkpoint.pt";
    saveCheckpointArchive(archive, path);
}

void GlobalLocalTrainer::validatePhotos(GlobalLocalTrainProgress &p)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    p.photoPsnrPlain = p.photoPsnrTemporal = p.photoGreyPsnr = nan;
    if (m_valPhotos.count == 0)
        return;
    double sePlain = 0, seTemporal = 0, seGrey = 0, n = 0;
    for (int first = 0; first < m_valPhotos.count; first += 8) {
        const int count = std::min(8, m_valPhotos.count - first);
        const torch::Tensor ycc = rgbToYcc(packedPictures(m_valPhotos, first, count)).to(m_device);
        const torch::Tensor grey = greyInput(ycc.slice(1, 0, 1));
        const torch::Tensor truth = ycc.slice(1, 1, 3);
        sePlain += (m_net->plain->forward(grey) * 255.0 - truth).square().sum().item<double>();
        seTemporal +=
            (m_net->temporal->forward(grey) * 255.0 - truth).square().sum().item<double>();
        seGrey += (truth - 128.0).square().sum().item<double>();
        n += double(truth.numel());
    }
    p.photoPsnrPlain = psnrOfSquaredError(sePlain, n);
    p.photoPsnrTemporal = psnrOfSquaredError(seTemporal, n);
    p.photoGreyPsnr = psnrOfSquaredError(seGrey, n);
}

void GlobalLocalTrainer::validateClips(GlobalLocalTrainProgress &p)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    p.clipPsnrPlain = p.clipPsnrTemporal = nan;
    p.clipChangePlain = p.clipChangeTemporal = p.clipChangeTruth = nan;
    p.clipWarpPlain = p.clipWarpTemporal = p.clipWarpTruth = nan;
    if (m_valClips.count == 0)
        return;
    ClipScores scores;
    double wPlain = 0, wTemporal = 0, wTruth = 0;
    const bool flows = m_valFlows.count == m_valClips.count;
    for (int clip = 0; clip < m_valClips.count; ++clip) {
        const ClipTensors ct = clipTensors(m_valClips, flows ? &m_valFlows : nullptr, clip, false);
        const torch::Tensor grey = ct.grey.to(m_device);
        const torch::Tensor truth = ct.chroma.to(m_device);
        const torch::Tensor plain = m_net->plain->forward(greyInput(grey)) * 255.0;
        const torch::Tensor temporal = m_net->temporal->forward(greyInput(grey)) * 255.0;
        const int64_t T = truth.size(0);
        for (int64_t t = 0; t < T; ++t)
            scores.addFrame(plain.slice(0, t, t + 1), temporal.slice(0, t, t + 1),
                            truth.slice(0, t, t + 1));
        scores.endClip();
        if (flows) {
            const torch::Tensor toPrev = ct.toPrev.to(m_device).slice(0, 1, T);
            const torch::Tensor mask = visibilityMask(grey.slice(0, 1, T) / 255.0,
                                                      grey.slice(0, 0, T - 1) / 255.0, toPrev);
            auto warpError = [&](const torch::Tensor &x) {
                return temporalLoss(x.slice(0, 1, T), x.slice(0, 0, T - 1), toPrev, mask)
                    .item<double>();
            };
            wPlain += warpError(plain);
            wTemporal += warpError(temporal);
            wTruth += warpError(truth);
        }
    }
    p.clipPsnrPlain = scores.psnr(0);
    p.clipPsnrTemporal = scores.psnr(1);
    p.clipChangePlain = scores.change(0);
    p.clipChangeTemporal = scores.change(1);
    p.clipChangeTruth = scores.change(2);
    if (flows) {
        p.clipWarpPlain = wPlain / m_valClips.count;
        p.clipWarpTemporal = wTemporal / m_valClips.count;
        p.clipWarpTruth = wTruth / m_valClips.count;
    }
}

std::string GlobalLocalTrainer::validateAndExport(int iteration, GlobalLocalTrainProgress &p)
{
    p.validated = true;
    p.stage = stageOf(std::max(0, iteration - 1));
    if (p.stage == 1)
        copyNet(m_net->plain, m_net->temporal); // unused until the second stage
    {
        torch::NoGradGuard noGrad;
        m_net->eval();
        validatePhotos(p);
        validateClips(p);
        m_net->train();
    }
    std::ofstream csv(m_o.outDir + "/validation.csv", std::ios::app);
    csv << iteration << ',' << p.stage << ',' << p.photoPsnrPlain << ',' << p.photoPsnrTemporal
        << ',' << p.photoGreyPsnr << ',' << p.clipPsnrPlain << ',' << p.clipPsnrTemporal << ','
        << p.clipChangePlain << ',' << p.clipChangeTemporal << ',' << p.clipChangeTruth << ','
        << p.clipWarpPlain << ',' << p.clipWarpTemporal << ',' << p.clipWarpTruth << ',' << p.loss
        << '\n';
    std::map<std::string, std::string> meta = globalLocalMetadata(m_arch);
    meta["iterations"] = std::to_string(iteration);
    return writeSafetensorsFile(m_o.outDir + "/global-local.safetensors", namedState(*m_net), meta);
}

GlobalLocalTrainOutcome GlobalLocalTrainer::run()
{
    GlobalLocalTrainOutcome outcome;
    auto fail = [&](std::string e) {
        outcome.error = std::move(e);
        return outcome;
    };
    if (std::string e = trainingDevice(m_o.device, m_o.threads, m_device); !e.empty())
        return fail(e);
    m_arch = GlobalLocalArch{m_o.width, m_o.classes};
    torch::serialize::InputArchive resumed;
    bool resumedSecond = false;
    if (!m_o.resumePath.empty()) {
        resumed.load_from(m_o.resumePath, m_device);
        torch::Tensor arch, iteration, weights;
        resumed.read("arch", arch);
        resumed.read("iteration", iteration);
        resumed.read("weights", weights);
        arch = arch.to(torch::kCPU);
        weights = weights.to(torch::kCPU);
        const auto a = arch.accessor<int64_t, 1>();
        const auto wt = weights.accessor<double, 1>();
        m_arch = GlobalLocalArch{int(a[0]), int(a[1])};
        m_o.batch = int(a[2]);
        m_o.seed = uint64_t(a[3]);
        m_o.colourIterations = int(a[4]);
        m_o.cropSize = int(a[5]);
        m_o.clipBatch = int(a[6]);
        resumedSecond = a[7] != 0;
        m_o.classWeight = wt[0];
        m_o.temporalWeight = wt[1];
        m_o.learningRate = wt[2];
        m_start = int(iteration.item<int64_t>());
    }
    if (m_o.colourIterations < 0 || m_o.colourIterations > m_o.iterations)
        return fail("the first stage's iterations must be between 0 and the total");
    if (m_arch.width < 2 || m_arch.classes < 1 || m_o.clipBatch < 1)
        return fail("the width must be at least 2, the classes and the clips per batch positive");
    if (std::string e = loadPacked(m_o.photosPath, m_photos); !e.empty())
        return fail(e);
    if (m_photos.height < m_o.cropSize || m_photos.width < m_o.cropSize)
        return fail(m_o.photosPath + ": photographs smaller than a " +
                    std::to_string(m_o.cropSize) + " px crop");
    if (m_o.cropSize % 8 != 0)
        return fail("the crop size must be a multiple of 8");
    if (!m_o.labelsPath.empty()) {
        std::ifstream in(m_o.labelsPath);
        int label = 0;
        while (in >> label) {
            if (label < -1 || label >= m_arch.classes)
                return fail(m_o.labelsPath + ": class " + std::to_string(label) + " outside −1 … " +
                            std::to_string(m_arch.classes - 1));
            m_labels.push_back(label);
        }
        if (int(m_labels.size()) != m_photos.count)
            return fail(m_o.labelsPath + ": " + std::to_string(m_labels.size()) + " classes for " +
                        std::to_string(m_photos.count) + " photographs");
    }
    if (!m_o.valPhotosPath.empty())
        if (std::string e = loadPacked(m_o.valPhotosPath, m_valPhotos); !e.empty())
            return fail(e);
    auto clipsAndFlows = [&](const std::string &clips, const std::string &flows, ClipSet &c,
                             FlowSet &f) -> std::string {
        if (std::string e = loadClips(clips, c); !e.empty())
            return e;
        if (c.height % 8 != 0 || c.width % 8 != 0)
            return clips + ": clip windows must be multiples of 8 px";
        if (flows.empty())
            return {};
        if (std::string e = loadFlows(flows, f); !e.empty())
            return e;
        if (f.count != c.count || f.frames != c.frames || f.height != c.height ||
            f.width != c.width)
            return flows + ": the flows do not match the clips of " + clips;
        return {};
    };
    if (m_o.iterations > m_o.colourIterations) {
        if (m_o.flowsPath.empty())
            return fail("the second stage needs the clips' flows");
        if (std::string e = clipsAndFlows(m_o.clipsPath, m_o.flowsPath, m_clips, m_flows);
            !e.empty())
            return fail(e);
    }
    if (!m_o.valClipsPath.empty())
        if (std::string e =
                clipsAndFlows(m_o.valClipsPath, m_o.valFlowsPath, m_valClips, m_valFlows);
            !e.empty())
            return fail(e);
    torch::manual_seed(m_o.seed);
    m_net = GlobalLocalNet(m_arch);
    m_net->to(m_device);
    m_optPlain = std::make_unique<torch::optim::Adam>(m_net->plain->parameters(),
                                                      torch::optim::AdamOptions(m_o.learningRate));
    if (!m_o.resumePath.empty()) {
        torch::serialize::InputArchive net, optPlain;
        resumed.read("net", net);
        m_net->load(net);
        if (resumedSecond) {
            startSecondStage(false); // the optimisers; their state comes next
            torch::serialize::InputArchive optTemporal;
            resumed.read("optimizer_temporal", optTemporal);
            m_optTemporal->load(optTemporal);
        }
        resumed.read("optimizer_plain", optPlain);
        m_optPlain->load(optPlain);
        m_log("resumed at iteration " + std::to_string(m_start) + " from " + m_o.resumePath);
    }
    m_net->train();
    const std::string csvPath = m_o.outDir + "/validation.csv";
    if (m_start == 0 || !fs::exists(csvPath)) {
        std::ofstream csv(csvPath, std::ios::trunc);
        csv << "iteration,stage,val_photo_psnr_plain_db,val_photo_psnr_temporal_db,"
               "val_photo_grey_psnr_db,val_clip_psnr_plain_db,val_clip_psnr_temporal_db,"
               "val_clip_change_plain,val_clip_change_temporal,val_clip_change_truth,"
               "val_clip_warp_plain,val_clip_warp_temporal,val_clip_warp_truth,loss\n";
    }
    const auto step = [this](int it, std::mt19937_64 &rng) {
        if (stageOf(it) == 2 && !m_optTemporal)
            startSecondStage(true);
        for (auto *opt : {m_optPlain.get(), m_optTemporal.get()})
            if (opt)
                for (auto &group : opt->param_groups())
                    static_cast<torch::optim::AdamOptions &>(group.options()).lr(learningRate(it));
        return this->step(it, rng);
    };
    const auto fill = [this](GlobalLocalTrainProgress &q, int it, double loss) {
        q.stage = stageOf(it);
        q.loss = loss;
    };
    const auto validate = [this](int done, GlobalLocalTrainProgress &q) {
        return validateAndExport(done, q);
    };
    LoopSchedule schedule{m_start,           m_o.iterations,      m_o.seed,
                          m_o.validateEvery, m_o.checkpointEvery, m_o.colourIterations};
    return trainingLoop<GlobalLocalTrainOutcome, GlobalLocalTrainProgress, double>(
        schedule, step, fill, validate, m_progress, [this](int done) { saveCheckpoint(done); });
}

} // namespace

GlobalLocalTrainOutcome
trainGlobalLocal(const GlobalLocalTrainOptions &options,
                 const std::function<bool(const GlobalLocalTrainProgress &)> &progress,
                 const std::function<void(const std::string &)> &log)
{
    return guardedTraining<GlobalLocalTrainOutcome>([&] {
        GlobalLocalTrainer trainer(options, progress, log);
        return trainer.run();
    });
}

} // namespace tincture::ml
