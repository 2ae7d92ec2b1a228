// Checks shared by the crash and I/O-fault tests: an index's documents,
// xapian-check, and an analytics log's integrity and search events.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "portalkb/portalkb.h"

namespace portalkb::testing {

// The ids of the documents matching `query` (up to 1000), or the error.
inline Result<std::set<std::string>> MatchingIds(const std::string& index, const std::string& query) {
  EngineOptions options;
  options.analytics = false;  // a check must not create a log beside the index
  auto engine = Engine::Open(index, options);
  if (!engine.ok()) return engine.status();
  SearchRequest request;
  request.query = query;
  request.limit = 1000;
  request.log = false;
  request.typo_tolerance = false;
  request.prefix = false;
  request.correct = false;
  auto response = engine.value()->Search(request);
  if (!response.ok()) return response.status();
  std::set<std::string> ids;
  for (const auto& hit : response->hits) ids.insert(hit.id);
  return ids;
}

// Runs xapian-check on `index`: "" when it passes, else its output.
inline std::string XapianCheck(const std::string& index, const std::string& scratch) {
  if (std::string(PORTALKB_XAPIAN_CHECK).empty()) {
    std::printf("xapian-check not found (Debian xapian-tools, installed by scripts/setup.sh): not run on %s\n",
                index.c_str());
    return "";
  }
  const std::string out = scratch + "/xapian-check.out";
  const std::string command = std::string(PORTALKB_XAPIAN_CHECK) + " '" + index + "' >'" + out + "' 2>&1";
  const int rc = std::system(command.c_str());
  if (rc == 0) return "";
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  return "xapian-check exited " + std::to_string(rc) + ": " + text.str();
}

// What an analytics log holds, read with SQLite directly (not through the
// library whose writes are being checked).
struct LogContents {
  std::string integrity;      // PRAGMA integrity_check: "ok" when sound
  bool has_searches = false;  // false: killed before its schema was committed
  std::int64_t searches = 0;
  std::int64_t min_ts = 0;
  std::int64_t max_ts = 0;
};

inline Result<LogContents> ReadLog(const std::string& path) {
  sqlite3* db = nullptr;
  // Read-write: a log left with a WAL is recovered on open, as the next
  // writer would.
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    const std::string why = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status::IOError(path + ": " + why);
  }
  LogContents log;
  const auto query = [&](const char* sql, auto&& row) -> Status {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
      return Status::IOError(path + ": " + sql + ": " + sqlite3_errmsg(db));
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) row(st);
    Status s = rc == SQLITE_DONE ? Status::Ok() : Status::IOError(path + ": " + sql + ": " + sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return s;
  };
  Status s = query("PRAGMA integrity_check", [&](sqlite3_stmt* st) {
    if (!log.integrity.empty()) log.integrity += "; ";
    log.integrity += reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  });
  if (s.ok()) {
    s = query("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'searches'",
              [&](sqlite3_stmt* st) { log.has_searches = sqlite3_column_int64(st, 0) == 1; });
  }
  if (s.ok() && log.has_searches) {
    s = query("SELECT count(*), coalesce(min(ts), 0), coalesce(max(ts), 0) FROM searches", [&](sqlite3_stmt* st) {
      log.searches = sqlite3_column_int64(st, 0);
      log.min_ts = sqlite3_column_int64(st, 1);
      log.max_ts = sqlite3_column_int64(st, 2);
    });
  }
  sqlite3_close(db);
  if (!s.ok()) return s;
  return log;
}

}  // namespace portalkb::testing
