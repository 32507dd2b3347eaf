//===- StatsPlot.cpp - SVG plot of per-tensor stds ------------------------===//
//
// Plain SVG text (no plotting library on the machines the runner travels
// to). The FP8 bands use the OCP formats' limits (docs/fp8.md):
//   E4M3FN: normal 2^-6 .. 448, subnormal down to 2^-9
//   E5M2:   normal 2^-14 .. 57344, subnormal down to 2^-16
//
//===----------------------------------------------------------------------===//
#include "StatsPlot.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace uscale::run {

namespace {
constexpr double kLogMin = -20, kLogMax = 18; // y range, log2
constexpr int kLeft = 70, kRight = 20, kTop = 50, kBottom = 60, kHeight = 420;

std::string escape(const std::string &s) {
  std::string out;
  for (char c : s) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out;
}
} // namespace

bool writeStatsSvg(const std::string &path, const std::string &title,
                   const std::vector<StatRow> &rows) {
  int n = std::max<int>(1, int(rows.size()));
  double step = std::max(6.0, std::min(14.0, 1400.0 / n));
  int plotW = int(step * n), width = kLeft + plotW + kRight;
  int height = kTop + kHeight + kBottom;
  auto y = [&](double log2v) {
    double t = (std::clamp(log2v, kLogMin, kLogMax) - kLogMin) /
               (kLogMax - kLogMin);
    return kTop + kHeight * (1 - t);
  };
  auto x = [&](int i) { return kLeft + step * (i + 0.5); };

  std::ostringstream s;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width
    << "\" height=\"" << height << "\" font-family=\"sans-serif\" "
    << "font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" "
       "fill=\"white\"/>\n";
  s << "<text x=\"" << kLeft << "\" y=\"20\" font-size=\"14\">"
    << escape(title) << "</text>\n";
  // Bands: E5M2 (wider) under E4M3; subnormal parts lighter.
  auto band = [&](double lo, double hi, const char *fill, double opacity) {
    s << "<rect x=\"" << kLeft << "\" y=\"" << y(hi) << "\" width=\"" << plotW
      << "\" height=\"" << y(lo) - y(hi) << "\" fill=\"" << fill
      << "\" fill-opacity=\"" << opacity << "\"/>\n";
  };
  band(-16, -14, "#2ca02c", 0.08);
  band(-14, std::log2(57344.0), "#2ca02c", 0.15);
  band(-9, -6, "#9467bd", 0.10);
  band(-6, std::log2(448.0), "#9467bd", 0.20);
  // Axis, ticks every 2^2, unit line.
  for (int e = int(kLogMin); e <= int(kLogMax); e += 2) {
    s << "<line x1=\"" << kLeft - 4 << "\" x2=\"" << kLeft + plotW
      << "\" y1=\"" << y(e) << "\" y2=\"" << y(e) << "\" stroke=\""
      << (e == 0 ? "#444" : "#ddd") << "\" stroke-width=\""
      << (e == 0 ? 1.2 : 0.6) << "\"/>\n";
    s << "<text x=\"" << kLeft - 8 << "\" y=\"" << y(e) + 4
      << "\" text-anchor=\"end\">2^" << e << "</text>\n";
  }
  s << "<text transform=\"translate(16," << kTop + kHeight / 2
    << ") rotate(-90)\" text-anchor=\"middle\">std (log scale)</text>\n";
  // Forward | backward separator.
  for (int i = 1; i < int(rows.size()); ++i)
    if (rows[i].isGradient() && !rows[i - 1].isGradient()) {
      double sx = kLeft + step * i;
      s << "<line x1=\"" << sx << "\" x2=\"" << sx << "\" y1=\"" << kTop
        << "\" y2=\"" << kTop + kHeight << "\" stroke=\"#444\" "
        << "stroke-dasharray=\"4,3\"/>\n<text x=\"" << sx - 6 << "\" y=\""
        << kTop + kHeight + 16 << "\" text-anchor=\"end\">forward</text>\n"
        << "<text x=\"" << sx + 6 << "\" y=\"" << kTop + kHeight + 16
        << "\">backward</text>\n";
    }
  // Points, each with its tensor's name as a tooltip.
  for (int i = 0; i < int(rows.size()); ++i) {
    const StatRow &r = rows[i];
    if (r.regular) {
      double v = *r.regular > 0 ? std::log2(*r.regular) : kLogMin;
      s << "<rect x=\"" << x(i) - 3 << "\" y=\"" << y(v) - 3
        << "\" width=\"6\" height=\"6\" fill=\"#ff7f0e\"><title>"
        << escape(r.name) << " regular " << *r.regular << "</title></rect>\n";
    }
    if (r.scaled) {
      double v = *r.scaled > 0 ? std::log2(*r.scaled) : kLogMin;
      s << "<circle cx=\"" << x(i) << "\" cy=\"" << y(v)
        << "\" r=\"3.2\" fill=\"#1f77b4\"><title>" << escape(r.name)
        << " unit-scaled " << *r.scaled << "</title></circle>\n";
    }
  }
  // Legend.
  int lx = kLeft + 10, ly = kTop + kHeight + 34;
  s << "<circle cx=\"" << lx << "\" cy=\"" << ly << "\" r=\"3.2\" "
    << "fill=\"#1f77b4\"/><text x=\"" << lx + 8 << "\" y=\"" << ly + 4
    << "\">unit-scaled</text>\n";
  s << "<rect x=\"" << lx + 87 << "\" y=\"" << ly - 3 << "\" width=\"6\" "
    << "height=\"6\" fill=\"#ff7f0e\"/><text x=\"" << lx + 98 << "\" y=\""
    << ly + 4 << "\">regular (PyTorch init)</text>\n";
  s << "<rect x=\"" << lx + 240 << "\" y=\"" << ly - 6 << "\" width=\"14\" "
    << "height=\"10\" fill=\"#9467bd\" fill-opacity=\"0.3\"/><text x=\""
    << lx + 258 << "\" y=\"" << ly + 4
    << "\">E4M3 range (light: subnormal)</text>\n";
  s << "<rect x=\"" << lx + 440 << "\" y=\"" << ly - 6 << "\" width=\"14\" "
    << "height=\"10\" fill=\"#2ca02c\" fill-opacity=\"0.25\"/><text x=\""
    << lx + 458 << "\" y=\"" << ly + 4
    << "\">E5M2 range (light: subnormal)</text>\n";
  s << "</svg>\n";

  std::ofstream out(path);
  out << s.str();
  return bool(out);
}

} // namespace uscale::run
