#pragma once
// What a benchmark or a bug report needs to say about the machine: core count, CPU model,
// operating system, and the process's resident memory (current and peak). Linux reads
// /proc; elsewhere the memory figures are unknown (−1). Any thread may call these.

#include <QString>

#include <cstdint>

namespace tincture::sysinfo {

int logicalCores(); // cores the process may use (QThread::idealThreadCount())
QString cpuModel(); // e.g. "AMD EPYC" (/proc/cpuinfo's model name); the architecture if unknown
QString osName();   // e.g. "Debian GNU/Linux 12 (bookworm)"

int64_t residentBytes();     // VmRSS now; −1 if unknown
int64_t peakResidentBytes(); // VmHWM, the peak since start or the last reset; −1 if unknown
// Restarts the peak at the current resident size (Linux: writes 5 to /proc/self/clear_refs),
// so that one stage's peak can be measured. False where unsupported.
bool resetPeakResident();

} // namespace tincture::sysinfo
