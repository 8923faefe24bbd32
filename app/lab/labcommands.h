#pragma once
// The commands of tincture-lab: what measures and trains Tincture (benchmarks, the evaluation
// protocols, training). Each takes its own arguments (without the program and command names)
// and returns the process exit code (see app/cli/clicommon.h).

#include <QStringList>

namespace tincture::cli {

int runBench(const QStringList &args);
int runEval(const QStringList &args);
int runEvalImages(const QStringList &args);   // `eval images`, dispatched by runEval
int runEvalHints(const QStringList &args);    // `eval hints`, dispatched by runEval
int runEvalPerFrame(const QStringList &args); // `eval video --data`, dispatched by runEval
int runTrain(const QStringList &args);
int trainRefiner(const QStringList &args);       // runTrain's "refiner"
int trainVpn(const QStringList &args);           // runTrain's "vpn"
int trainRecurrentBins(const QStringList &args); // runTrain's "recurrent-bins"
int trainGlobalLocal(const QStringList &args);   // runTrain's "global-local"
int trainCnnLstm(const QStringList &args);       // runTrain's "cnn-lstm"
int runData(const QStringList &args);            // picture fingerprints

} // namespace tincture::cli
