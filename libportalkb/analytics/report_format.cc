#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "portalkb/analytics.h"

namespace portalkb {
namespace {

std::string Text(const ReportValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", *d);
    return buf;
  }
  std::string joined;
  for (const auto& s : std::get<std::vector<std::string>>(v)) joined += (joined.empty() ? "" : ", ") + s;
  return joined;
}

nlohmann::json Json(const ReportValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return *d;
  return std::get<std::vector<std::string>>(v);
}

// RFC 4180 quoting, and a cell a spreadsheet would run as a formula
// ("=HYPERLINK(...)", "+1+2", "@SUM(...)", or one opening with a tab or
// carriage return) gets a leading single quote (OWASP "CSV Injection").
// Only strings reach here as text that can start so: numbers are
// formatted by Text(), so a negative count stays a number.
std::string CsvField(const std::string& s, bool is_text) {
  const bool formula = is_text && !s.empty() && std::string_view("=+-@\t\r").find(s[0]) != std::string_view::npos;
  const std::string cell = formula ? "'" + s : s;
  if (!formula && cell.find_first_of(",\"\n\r") == std::string::npos) return cell;
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::size_t DisplayWidth(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// The first `n` characters of UTF-8 `s`, never half a character.
std::string FirstChars(const std::string& s, std::size_t n) {
  std::size_t i = 0;
  for (std::size_t chars = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && chars++ == n) break;
  }
  return s.substr(0, i);
}

// Text for a terminal: control characters (an ESC starts a terminal command;
// a newline breaks the row) and bidirectional overrides (which reorder what
// the reader sees) from stored queries and comments are replaced.
std::string TerminalText(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const auto next = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
    const auto third = i + 2 < s.size() ? static_cast<unsigned char>(s[i + 2]) : 0;
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else if (c < 0x20 || c == 0x7F) {
      out += "\xEF\xBF\xBD";
    } else if (c == 0xC2 && next >= 0x80 && next <= 0x9F) {  // C1 controls U+0080-U+009F
      out += "\xEF\xBF\xBD";
      ++i;
    } else if (c == 0xE2 &&
               ((next == 0x80 && third >= 0xAA && third <= 0xAE) || (next == 0x81 && third >= 0xA6 && third <= 0xA9))) {
      out += "\xEF\xBF\xBD";  // U+202A-U+202E, U+2066-U+2069
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// The numeric column a chart shows: the rate over time for summaries, the
// first count otherwise.
int ChartColumn(const Report& r) {
  for (std::size_t c = 0; c < r.columns.size(); ++c) {
    if (r.kind == "summary" && r.columns[c] == "zero_result_rate") return static_cast<int>(c);
  }
  for (std::size_t c = 0; c < r.columns.size(); ++c) {
    if (!r.rows.empty() && (std::holds_alternative<std::int64_t>(r.rows[0][c]))) return static_cast<int>(c);
  }
  return -1;
}

std::string SvgBars(const Report& r, int column) {
  const std::size_t n = std::min<std::size_t>(r.rows.size(), 20);
  if (column < 0 || n == 0) return {};
  double max = 0;
  std::vector<double> values;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& v = r.rows[i][static_cast<std::size_t>(column)];
    const double x = std::holds_alternative<double>(v)         ? std::get<double>(v)
                     : std::holds_alternative<std::int64_t>(v) ? static_cast<double>(std::get<std::int64_t>(v))
                                                               : 0.0;
    values.push_back(x);
    max = std::max(max, x);
  }
  if (max <= 0) max = 1;
  std::ostringstream svg;
  const int row_h = 22, label_w = 260, bar_w = 420;
  svg << "<svg xmlns='http://www.w3.org/2000/svg' width='" << label_w + bar_w + 80 << "' height='" << n * row_h + 10
      << "' role='img' aria-label='" << HtmlEscape(r.columns[static_cast<std::size_t>(column)]) << "'>";
  for (std::size_t i = 0; i < n; ++i) {
    const int y = static_cast<int>(i) * row_h + 5;
    const int w = static_cast<int>(bar_w * values[i] / max);
    std::string label = Text(r.rows[i][0]);
    if (DisplayWidth(label) > 36) label = FirstChars(label, 36) + "...";
    svg << "<text x='" << label_w - 6 << "' y='" << y + 15 << "' text-anchor='end' font-size='12'>" << HtmlEscape(label)
        << "</text>"
        << "<rect x='" << label_w << "' y='" << y << "' width='" << std::max(w, 1) << "' height='" << row_h - 6
        << "' fill='#3b6ea8'/><text x='" << label_w + std::max(w, 1) + 4 << "' y='" << y + 15 << "' font-size='12'>"
        << HtmlEscape(Text(r.rows[i][static_cast<std::size_t>(column)])) << "</text>";
  }
  svg << "</svg>";
  return svg.str();
}

std::string IsoDay(long long ms) { return FormatIsoDate(ms / 1000); }

}  // namespace

Result<std::string> FormatReport(const Report& r, const std::string& format) {
  if (format == "json") {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& row : r.rows) {
      nlohmann::json o = nlohmann::json::object();
      for (std::size_t c = 0; c < r.columns.size(); ++c) o[r.columns[c]] = Json(row[c]);
      rows.push_back(o);
    }
    return nlohmann::json{
               {"report", r.kind}, {"since", IsoDay(r.since_ms)}, {"until", IsoDay(r.until_ms)}, {"rows", rows}}
               .dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
           "\n";
  }
  if (format == "csv") {
    std::string out;
    for (std::size_t c = 0; c < r.columns.size(); ++c) out += (c ? "," : "") + CsvField(r.columns[c], true);
    out += "\n";
    for (const auto& row : r.rows) {
      for (std::size_t c = 0; c < row.size(); ++c) {
        const bool is_text =
            std::holds_alternative<std::string>(row[c]) || std::holds_alternative<std::vector<std::string>>(row[c]);
        out += (c ? "," : "") + CsvField(Text(row[c]), is_text);
      }
      out += "\n";
    }
    return out;
  }
  if (format == "table") {
    std::vector<std::size_t> width(r.columns.size());
    for (std::size_t c = 0; c < r.columns.size(); ++c) width[c] = DisplayWidth(r.columns[c]);
    std::vector<std::vector<std::string>> cells;
    for (const auto& row : r.rows) {
      cells.emplace_back();
      for (std::size_t c = 0; c < row.size(); ++c) {
        cells.back().push_back(TerminalText(Text(row[c])));
        width[c] = std::min<std::size_t>(60, std::max(width[c], DisplayWidth(cells.back().back())));
      }
    }
    auto cell = [&](const std::string& s, std::size_t w) {
      std::string t = s;
      if (DisplayWidth(t) > w) {
        while (DisplayWidth(t) > w - 1) t.pop_back();
        while (!t.empty() && (static_cast<unsigned char>(t.back()) & 0xC0) == 0x80) t.pop_back();
        if (!t.empty() && static_cast<unsigned char>(t.back()) >= 0xC0) t.pop_back();
        t += "~";
      }
      return t + std::string(w - DisplayWidth(t) + 2, ' ');
    };
    std::string out = r.title + " (" + IsoDay(r.since_ms) + " to " + IsoDay(r.until_ms) + ")\n";
    for (std::size_t c = 0; c < r.columns.size(); ++c) out += cell(r.columns[c], width[c]);
    out += "\n";
    for (const auto& row : cells) {
      for (std::size_t c = 0; c < row.size(); ++c) out += cell(row[c], width[c]);
      out += "\n";
    }
    if (r.rows.empty()) out += "(no rows)\n";
    return out;
  }
  if (format == "html") {
    std::ostringstream h;
    h << "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>" << HtmlEscape(r.title)
      << "</"
         "title><style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;"
         "margin-top:1em}"
         "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:13px}th{background:#f0f3f7}"
         "h1{font-size:20px}.meta{color:#666}</style></head><body>"
      << "<h1>" << HtmlEscape(r.title) << "</h1><p class='meta'>" << IsoDay(r.since_ms) << " to " << IsoDay(r.until_ms)
      << " &middot; " << r.rows.size() << " rows &middot; portalkb report " << HtmlEscape(r.kind) << "</p>"
      << SvgBars(r, ChartColumn(r)) << "<table><thead><tr>";
    for (const auto& c : r.columns) h << "<th>" << HtmlEscape(c) << "</th>";
    h << "</tr></thead><tbody>";
    for (const auto& row : r.rows) {
      h << "<tr>";
      for (const auto& v : row) h << "<td>" << HtmlEscape(Text(v)) << "</td>";
      h << "</tr>";
    }
    h << "</tbody></table></body></html>\n";
    return h.str();
  }
  return Status::InvalidArgument("format '" + format + "': expected table, csv, json or html");
}

Result<long long> ParseReportTime(const std::string& text, long long now_ms) {
  if (text.size() >= 2 && (text.back() == 'd' || text.back() == 'w' || text.back() == 'h')) {
    const std::string number = text.substr(0, text.size() - 1);
    if (!number.empty() && std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
        number.size() <= 6) {
      const long long unit = text.back() == 'h' ? 3600000LL : text.back() == 'd' ? 86400000LL : 7 * 86400000LL;
      return now_ms - std::stoll(number) * unit;
    }
  }
  if (auto seconds = ParseIsoDateTime(text)) return *seconds * 1000;
  return Status::InvalidArgument("'" + text + "' is not a date (2026-01-31) or a relative time (30d, 12w, 24h)");
}

}  // namespace portalkb
