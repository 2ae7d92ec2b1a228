// portalkb._core: the C++ half of the Python package. Thin: convert the
// arguments (with the GIL held), call one library API with the GIL released,
// convert the answer. Argument checking with messages naming the argument,
// batching and the public classes live in the pure-Python layer
// (portalkb/__init__.py); errors map to Python exceptions once, in
// ThrowStatus (common.h) and the translator below (classes in
// portalkb/errors.py). The accounts bindings are in accounts.cc.
#include <pybind11/operators.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common.h"
#include "ingest/loader.h"  // LoadJsonLine: dicts take the JSON Lines path, so both validate alike
#include "portalkb/portalkb.h"

namespace py = pybind11;

namespace portalkb::python {
namespace {

long long NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Principal MakePrincipal(const std::string& user, const std::string& org, const std::vector<std::string>& roles,
                        bool admin) {
  Principal p;
  p.user = user;
  p.org = org;
  p.roles = roles;
  p.admin = admin;
  return p;
}

py::dict HitToDict(const Hit& h) {
  py::list matches;
  for (const auto& m : h.matches) {
    py::dict d;
    d["query_word"] = m.query_word;
    d["matched"] = m.matched;
    d["typos"] = m.typos;
    d["kind"] = m.kind;
    matches.append(d);
  }
  py::dict d;
  d["id"] = h.id;
  d["title"] = h.title;
  d["type"] = h.type;
  d["lang"] = h.lang;
  d["score"] = h.score;
  d["snippet"] = h.snippet;
  d["url"] = h.url;
  d["category"] = h.category;
  d["updated_at"] = h.updated_at;
  d["matches"] = matches;
  d["weak"] = h.weak;
  return d;
}

py::object OrNone(const std::string& s) { return s.empty() ? py::object(py::none()) : py::object(py::str(s)); }

py::object ReportValueToPython(const ReportValue& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return py::str(*s);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return py::int_(*i);
  if (const auto* d = std::get_if<double>(&v)) return py::float_(*d);
  py::list list;
  for (const auto& s : std::get<std::vector<std::string>>(v)) list.append(s);
  return list;
}

// Scoped search keys (portalkb/keys.h). Secrets cross as bytes: the library
// treats them as bytes, and a secrets file need not be UTF-8.
py::dict LoadKeySecretsAsBytes(const std::string& path) {
  std::map<std::string, std::string> secrets;
  {
    py::gil_scoped_release release;
    secrets = Unwrap(LoadKeySecrets(path), "load_secrets");
  }
  py::dict d;
  for (const auto& [id, secret] : secrets) d[py::str(id)] = py::bytes(secret);
  return d;
}

// `token` arrives as bytes (the Python layer encodes it with surrogatepass
// and caps its length), so every str reaches the library, which is the one
// judge of what a valid token is. Returns (key_id, user, org, roles, filter,
// public, expires_at).
py::tuple VerifyKey(const py::bytes& token, const std::map<std::string, std::string>& secrets, long long now) {
  const std::string text = token;
  SearchKeyClaims claims;
  {
    py::gil_scoped_release release;
    claims = Unwrap(VerifySearchKey(text, secrets, now), "verify_key");
  }
  return py::make_tuple(claims.key_id, claims.principal.user, claims.principal.org, claims.principal.roles,
                        claims.filter, claims.is_public, claims.expires_at);
}

// One open index: an Engine for reading (thread-safe, shared by every
// thread) and, from the first change on, an IndexWriter (the index's
// single-writer lock, held until close; not thread-safe, so behind
// writer_mutex_). Every method releases the GIL around library work.
class KnowledgeBaseCore : public IndexAccess {
 public:
  static std::unique_ptr<KnowledgeBaseCore> Open(const std::string& path, bool create) {
    auto core = std::make_unique<KnowledgeBaseCore>();
    core->path_ = path;
    {
      py::gil_scoped_release release;
      if (create) {
        WriterOptions options;
        options.create_if_missing = true;
        auto writer = Unwrap(IndexWriter::Open(path, options), "create");
        Check(writer->Commit(), "create");  // stamps the new index so an Engine can open it
        core->writer_ = std::move(writer);
      }
      core->engine_ = Unwrap(Engine::Open(path), "open");
    }
    return core;
  }

  void Close() {
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> writer_lock(writer_mutex_);
    std::lock_guard<std::mutex> lock(mutex_);
    writer_.reset();  // uncommitted changes are discarded, as IndexWriter documents
    log_.reset();
    engine_.reset();
  }

  bool closed() {
    std::lock_guard<std::mutex> lock(mutex_);
    return engine_ == nullptr;
  }

  const std::string& path() const override { return path_; }

  std::shared_ptr<portalkb::Engine> SharedEngine() override { return Engine(); }

  void WithWriter(const std::function<void(IndexWriter&)>& f) override {
    std::lock_guard<std::mutex> lock(writer_mutex_);
    f(Writer());
    pending_ = 0;  // f commits
  }

  py::dict Stats() {
    IndexStats stats;
    {
      py::gil_scoped_release release;
      stats = Unwrap(Engine()->Stats(), "stats");
    }
    py::dict d;
    d["documents"] = stats.documents;
    d["by_type"] = stats.by_type;
    d["by_lang"] = stats.by_lang;
    d["terms"] = stats.terms;
    d["bytes"] = stats.bytes;
    return d;
  }

  SearchResponse Search(SearchRequest request) {
    py::gil_scoped_release release;
    return Unwrap(Engine()->Search(request), "search");
  }

  std::vector<Suggestion> Suggest(SuggestRequest request) {
    py::gil_scoped_release release;
    return Unwrap(Engine()->Suggest(request), "suggest");
  }

  std::vector<Hit> Related(const std::string& id, const Principal& principal, std::size_t limit) {
    py::gil_scoped_release release;
    return Unwrap(Engine()->Related(id, principal, limit), "related");
  }

  // Indexes one batch of JSON objects (one per line, as JSON Lines), the
  // first being record `first_line` of `source`. Returns (added, updated,
  // rejections). Commits whenever commit_every changes are pending, so an
  // endless stream of documents never piles up in memory.
  py::tuple AddJson(const std::vector<std::string>& lines, int first_line, const std::string& source) {
    std::uint64_t added = 0;
    std::uint64_t updated = 0;
    std::vector<Rejection> rejected;
    {
      py::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(writer_mutex_);
      IndexWriter& writer = Writer();
      for (std::size_t i = 0; i < lines.size(); ++i) {
        const int line_no = first_line + static_cast<int>(i);
        LoadedRecord record = LoadJsonLine(lines[i], line_no, source, writer_options_.limits);
        if (!record.error.empty()) {
          rejected.push_back({source, line_no, record.error});
          continue;
        }
        auto outcome = writer.Put(std::move(record.doc));
        if (!outcome.ok()) {
          // A record the schema refuses is the caller's; anything else is the index failing.
          if (outcome.status().code() != StatusCode::kInvalidArgument) ThrowStatus(outcome.status(), "add");
          rejected.push_back({source, line_no, outcome.status().message()});
          continue;
        }
        ++(outcome.value() == IndexWriter::PutOutcome::kAdded ? added : updated);
        if (++pending_ >= writer_options_.commit_every) {
          Check(writer.Commit(), "add");
          pending_ = 0;
        }
      }
    }
    py::list rejections;
    for (const auto& r : rejected) rejections.append(py::make_tuple(r.file, r.line, r.reason));
    return py::make_tuple(added, updated, rejections);
  }

  // `progress` is called with the GIL held; an exception it raises is kept
  // and raised once the ingest has finished (Ingest cannot be interrupted).
  py::dict AddFiles(const std::vector<std::string>& paths, const py::object& progress) {
    IngestReport report;
    std::optional<py::error_already_set> callback_error;
    {
      py::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(writer_mutex_);
      IndexWriter& writer = Writer();
      IngestProgress on_progress;
      if (!progress.is_none()) {
        on_progress = [&](std::size_t done, std::size_t total, std::uint64_t documents) {
          py::gil_scoped_acquire acquire;
          if (callback_error) return;
          try {
            progress(done, total, documents);
          } catch (py::error_already_set& e) {
            callback_error = std::move(e);
          }
        };
      }
      report = Unwrap(writer.Ingest(paths, on_progress), "add_files");
      pending_ = 0;  // Ingest commits
    }
    if (callback_error) throw std::move(*callback_error);
    py::list rejections;
    for (const auto& r : report.rejected) rejections.append(py::make_tuple(r.file, r.line, r.reason));
    py::dict d;
    d["added"] = report.added;
    d["updated"] = report.updated;
    d["rejected"] = rejections;
    d["files"] = report.files;
    d["derived_titles"] = report.derived_titles;
    d["seconds"] = report.seconds;
    return d;
  }

  std::size_t Delete(const std::vector<std::string>& ids) {
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(writer_mutex_);
    IndexWriter& writer = Writer();
    std::size_t deleted = 0;
    for (const auto& id : ids) {
      if (Unwrap(writer.Delete(id), "delete")) ++deleted;
      if (++pending_ >= writer_options_.commit_every) {
        Check(writer.Commit(), "delete");
        pending_ = 0;
      }
    }
    return deleted;
  }

  void Commit() {
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(writer_mutex_);
    if (writer_ == nullptr) return;  // nothing was changed through this handle
    Check(writer_->Commit(), "commit");
    pending_ = 0;
  }

  std::vector<SynonymRule> Synonyms() {
    py::gil_scoped_release release;
    return Unwrap(Engine()->Synonyms(), "synonyms");
  }

  // Parses `text` (Solr format) for `lang`, or for every language when
  // `lang` is empty and the text names none; applies it and commits.
  // action: "add", "remove" or "replace". Returns the number of rules parsed
  // (for remove: the number removed).
  std::size_t ChangeSynonyms(const std::string& action, const std::string& text, const std::string& lang) {
    py::gil_scoped_release release;
    const std::vector<std::string> langs = lang.empty() ? SupportedLanguages() : std::vector<std::string>{lang};
    auto rules = Unwrap(ParseSynonymsForLanguages(text, langs), "synonyms");
    if (!lang.empty()) std::erase_if(rules, [&](const SynonymRule& r) { return r.lang != lang; });
    std::lock_guard<std::mutex> lock(writer_mutex_);
    IndexWriter& writer = Writer();
    std::size_t count = rules.size();
    if (action == "remove") {
      count = Unwrap(writer.RemoveSynonyms(rules), "synonyms");
    } else if (action == "replace") {
      Check(writer.ReplaceSynonyms(lang, rules), "synonyms");
    } else {
      Check(writer.AddSynonyms(rules), "synonyms");
    }
    Check(writer.Commit(), "synonyms");
    pending_ = 0;
    return count;
  }

  std::map<std::string, std::string> StoredSettings() {
    py::gil_scoped_release release;
    return Unwrap(Engine()->Settings(), "settings").ToMap();
  }

  std::map<std::string, std::string> EffectiveSettings() {
    py::gil_scoped_release release;
    return IndexSettings::Effective(Engine()->EffectiveOptions());
  }

  void SetSetting(const std::string& name, const std::optional<std::string>& value) {
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(writer_mutex_);
    IndexWriter& writer = Writer();
    Check(value ? writer.SetSetting(name, *value) : writer.UnsetSetting(name), "settings");
    Check(writer.Commit(), "settings");
    pending_ = 0;
  }

  py::tuple RunReport(const ReportRequest& request) {
    Report report;
    {
      py::gil_scoped_release release;
      report = Unwrap(Log()->Run(request), "report");
    }
    py::list rows;
    for (const auto& row : report.rows) {
      py::list values;
      for (const auto& v : row) values.append(ReportValueToPython(v));
      rows.append(values);
    }
    return py::make_tuple(report.kind, report.title, report.columns, rows, report.since_ms, report.until_ms);
  }

  py::list Events(long long since_ms, long long until_ms, std::int64_t after_seq, std::size_t limit) {
    std::vector<LoggedSearch> events;
    {
      py::gil_scoped_release release;
      events = Unwrap(Log()->Searches(since_ms, until_ms, after_seq, limit), "events");
    }
    py::list out;
    for (const auto& e : events) {
      py::dict d;
      d["seq"] = e.seq;
      d["ts_ms"] = e.ts_ms;
      d["query_id"] = e.query_id;
      d["query"] = e.query;
      d["normalized"] = e.normalized;
      d["lang"] = e.lang;
      d["roles"] = e.roles;
      d["org_key"] = e.org_key;
      d["user_key"] = e.user_key;
      d["session"] = e.session;
      d["results"] = e.results;
      d["corrected"] = e.corrected;
      d["latency_ms"] = e.latency_ms;
      out.append(d);
    }
    return out;
  }

  void LogClick(const std::string& query_id, const std::string& doc_id, int position) {
    py::gil_scoped_release release;
    Check(Log()->LogClick(query_id, doc_id, position), "log_click");
  }
  void LogFeedback(const std::string& query_id, const std::string& doc_id, bool helpful, const std::string& comment) {
    py::gil_scoped_release release;
    Check(Log()->LogFeedback(query_id, doc_id, helpful, comment), "log_feedback");
  }
  void LogSupportContact(const std::string& query_id) {
    py::gil_scoped_release release;
    Check(Log()->LogSupportContact(query_id), "log_support_contact");
  }
  void FlushLog() {
    py::gil_scoped_release release;
    Check(Log()->Flush(), "flush");
  }
  std::size_t Purge(long long cutoff_ms) {
    py::gil_scoped_release release;
    return Unwrap(Log()->Purge(cutoff_ms), "purge");
  }
  std::size_t EraseUser(const std::string& user) {
    py::gil_scoped_release release;
    return Unwrap(Log()->EraseUser(user), "erase_user");
  }

 private:
  // The engine, kept alive for the call even if another thread closes the
  // handle meanwhile.
  std::shared_ptr<portalkb::Engine> Engine() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (engine_ == nullptr) ThrowStatus(Status::InvalidArgument("the knowledge base is closed"), "closed");
    return engine_;
  }

  // Caller holds writer_mutex_.
  IndexWriter& Writer() {
    if (writer_ == nullptr) {
      if (closed()) ThrowStatus(Status::InvalidArgument("the knowledge base is closed"), "closed");
      WriterOptions options = writer_options_;
      options.create_if_missing = false;
      writer_ = Unwrap(IndexWriter::Open(path_, options), "write");
      pending_ = 0;
    }
    return *writer_;
  }

  // The engine's analytics log when it keeps one; otherwise (logging
  // switched off in the settings) the log opened on its own, as the CLI's
  // report commands do, so reports on past searches still work. The handle
  // keeps what owns the log alive for the call, even if close() runs meanwhile.
  struct LogHandle {
    std::shared_ptr<portalkb::Engine> engine;
    std::shared_ptr<Analytics> own;
    Analytics* log = nullptr;
    Analytics* operator->() const { return log; }
  };
  LogHandle Log() {
    LogHandle handle;
    handle.engine = Engine();
    handle.log = handle.engine->analytics();
    if (handle.log != nullptr) return handle;
    std::lock_guard<std::mutex> lock(mutex_);
    if (log_ == nullptr) log_ = Unwrap(Analytics::OpenForIndex(path_), "analytics");
    handle.own = log_;
    handle.log = log_.get();
    return handle;
  }

  std::string path_;
  std::mutex mutex_;  // guards engine_ and log_ (the pointers, not the objects: both are thread-safe)
  std::shared_ptr<portalkb::Engine> engine_;
  std::shared_ptr<Analytics> log_;
  std::mutex writer_mutex_;  // guards writer_, writer_options_ and pending_
  std::unique_ptr<IndexWriter> writer_;
  WriterOptions writer_options_;
  std::size_t pending_ = 0;
};

}  // namespace
}  // namespace portalkb::python

PYBIND11_MODULE(_core, m) {
  using namespace portalkb;          // NOLINT: the module body names many library types
  using namespace portalkb::python;  // NOLINT
  m.doc() = "The C++ half of portalkb; use the portalkb package, not this module.";

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusError& e) {
      py::object errors = py::module_::import("portalkb.errors");
      py::object exc = errors.attr("_from_status")(StatusCodeName(e.status.code()), e.status.message(), e.operation);
      PyErr_SetObject(exc.get_type().ptr(), exc.ptr());
    }
  });

  py::class_<WordMatch>(m, "WordMatch", "How one query word matched a hit.")
      .def_readonly("query_word", &WordMatch::query_word, "The query word as analysed (folded).")
      .def_readonly("matched", &WordMatch::matched, "The indexed word it matched (folded).")
      .def_readonly("typos", &WordMatch::typos, "0, 1 or 2.")
      .def_readonly("kind", &WordMatch::kind, "exact, typo, synonym, prefix, split or join.")
      .def("__repr__",
           [](const WordMatch& w) { return "WordMatch(" + w.query_word + " -> " + w.matched + ", " + w.kind + ")"; });

  py::class_<Hit>(m, "Hit", "One search result.")
      .def_readonly("id", &Hit::id, "The document id.")
      .def_readonly("title", &Hit::title, "The title.")
      .def_readonly("type", &Hit::type, "'article' or 'document'.")
      .def_readonly("lang", &Hit::lang, "ISO 639-1 language code.")
      .def_readonly("url", &Hit::url, "The document's url ('' when none).")
      .def_readonly("category", &Hit::category, "The category path, e.g. 'Billing/Invoices'.")
      .def_readonly("updated_at", &Hit::updated_at, "ISO date or date-time ('' when none).")
      .def_readonly("score", &Hit::score, "Higher is better; comparable within one result only.")
      .def_readonly("snippet", &Hit::snippet, "HTML-escaped passage with matched words in <mark>...</mark>.")
      .def_readonly("matches", &Hit::matches, "How each query word matched (list of WordMatch).")
      .def_readonly("weak", &Hit::weak, "True when the hit matches fewer than all query words.")
      .def("to_dict", &HitToDict, "The hit as a dict (the keys of `portalkb search --json`).")
      .def("__repr__", [](const Hit& h) { return "Hit(id=" + py::repr(py::str(h.id)).cast<std::string>() + ")"; });

  py::class_<FacetCount>(m, "FacetCount", "One facet value and how many matching documents have it.")
      .def_readonly("value", &FacetCount::value, "The value.")
      .def_readonly("count", &FacetCount::count, "Matching visible documents with the value.")
      .def("__repr__",
           [](const FacetCount& c) { return "FacetCount(" + c.value + ", " + std::to_string(c.count) + ")"; });

  py::class_<SearchResponse>(m, "SearchResult", "The answer to KnowledgeBase.search.")
      .def_readonly("query", &SearchResponse::query, "The query as given.")
      .def_property_readonly(
          "corrected_query", [](const SearchResponse& r) { return OrNone(r.corrected_query); },
          "The query searched instead when the one typed found (almost) nothing, or None.")
      .def_property_readonly(
          "suggestion", [](const SearchResponse& r) { return OrNone(r.suggestion); },
          "A 'did you mean' offer (not searched), or None.")
      .def_readonly("total", &SearchResponse::total,
                    "Number of matching visible documents: exact when total_exact, else a lower bound.")
      .def_readonly("total_exact", &SearchResponse::total_exact,
                    "False when a search without facets stopped counting at the count limit.")
      .def_readonly("facets", &SearchResponse::facets, "Facet counts: {field: [FacetCount, ...]}.")
      .def_readonly("as_admin", &SearchResponse::as_admin, "True when the search ran as an admin principal.")
      .def_property_readonly(
          "query_id", [](const SearchResponse& r) { return OrNone(r.query_id); },
          "The analytics id of this search (for log_click), or None when not logged.")
      .def_readonly("hits", &SearchResponse::hits, "The hits of this page (list of Hit).")
      .def_readonly("took_ms", &SearchResponse::took_ms, "Time taken, in milliseconds.")
      .def(
          "to_dict",
          [](const SearchResponse& r) {
            py::list hits;
            for (const auto& h : r.hits) hits.append(HitToDict(h));
            py::dict facets;
            for (const auto& [field, counts] : r.facets) {
              py::list list;
              for (const auto& c : counts) {
                py::dict d;
                d["value"] = c.value;
                d["count"] = c.count;
                list.append(d);
              }
              facets[py::str(field)] = list;
            }
            py::dict d;
            d["query"] = r.query;
            d["corrected_query"] = OrNone(r.corrected_query);
            d["suggestion"] = OrNone(r.suggestion);
            d["total"] = r.total;
            d["total_exact"] = r.total_exact;
            d["facets"] = facets;
            d["as_admin"] = r.as_admin;
            d["query_id"] = OrNone(r.query_id);
            d["hits"] = hits;
            d["took_ms"] = r.took_ms;
            return d;
          },
          "The result as a dict (the keys of `portalkb search --json`).")
      .def("__repr__", [](const SearchResponse& r) {
        return "SearchResult(total=" + std::to_string(r.total) + ", hits=" + std::to_string(r.hits.size()) + ")";
      });

  py::class_<Suggestion>(m, "Suggestion", "A search-as-you-type completion.")
      .def_readonly("text", &Suggestion::text, "The completion to show.")
      .def_readonly("kind", &Suggestion::kind, "'title' (an article title) or 'query' (a frequent successful query).")
      .def_readonly("id", &Suggestion::id, "The article it comes from ('' for a query).")
      .def("__repr__", [](const Suggestion& s) { return "Suggestion(" + s.kind + ": " + s.text + ")"; });

  py::class_<SynonymRule>(m, "SynonymRule", "One synonym rule of one language.")
      .def_readonly("lang", &SynonymRule::lang, "The language code.")
      .def_readonly("terms", &SynonymRule::terms, "The set, or the left-hand side of a one-way rule.")
      .def_readonly("targets", &SynonymRule::targets, "The right-hand side of a one-way rule ([] for a set).")
      .def_property_readonly("one_way", &SynonymRule::one_way, "True for 'a => b' rules.")
      .def("__str__", &SynonymRule::ToString)
      .def("__repr__", [](const SynonymRule& r) { return "SynonymRule(" + r.lang + ": " + r.ToString() + ")"; })
      .def(py::self == py::self);

  m.def(
      "normalize_principal",
      [](const std::string& user, const std::string& org, const std::vector<std::string>& roles) {
        Principal p = Unwrap(NormalizePrincipal(MakePrincipal(user, org, roles, false)), "principal");
        return py::make_tuple(p.user, p.org, p.roles);
      },
      "Validates and normalises principal ids (the library's one rule).");

  m.def(
      "parse_report_time",
      [](const std::string& text, long long now_ms) { return Unwrap(ParseReportTime(text, now_ms), "time"); },
      "Parses '2026-01-31', '30d' or '12w' into milliseconds since the epoch.");
  m.def("now_ms", &NowMs, "Milliseconds since the epoch.");
  m.def(
      "mint_key",
      [](const py::bytes& secret_bytes, const std::string& key_id, const std::string& user, const std::string& org,
         const std::vector<std::string>& roles, bool admin, const std::string& filter, bool is_public,
         long long ttl_seconds) {
        const std::string secret = secret_bytes;
        SearchKeyClaims claims;
        claims.key_id = key_id;
        claims.principal = MakePrincipal(user, org, roles, admin);
        claims.filter = filter;
        claims.is_public = is_public;
        py::gil_scoped_release release;
        const long long now = NowMs() / 1000;
        claims.expires_at = now + ttl_seconds;
        return Unwrap(MintSearchKey(secret, claims, now), "mint_key");
      },
      py::arg("secret"), py::arg("key_id"), py::arg("user"), py::arg("org"), py::arg("roles"), py::arg("admin"),
      py::arg("filter"), py::arg("public"), py::arg("ttl_seconds"),
      "Signs a search key expiring ttl_seconds from now (MintSearchKey).");
  m.def("verify_key", &VerifyKey, py::arg("token"), py::arg("secrets"), py::arg("now"),
        "Checks a search key at `now` (seconds since the epoch) and returns its claims (VerifySearchKey).");
  m.def("load_secrets", &LoadKeySecretsAsBytes, py::arg("path"),
        "Reads a key-secrets file (mode 600) into {key_id: secret bytes} (LoadKeySecrets).");
  m.attr("MIN_SECRET_BYTES") = kMinKeySecretBytes;
  m.attr("MAX_KEY_BYTES") = kMaxSearchKeyBytes;
  m.attr("MAX_FILTER_BYTES") = kMaxSearchKeyFilterBytes;
  m.attr("MAX_TTL_SECONDS") = kMaxSearchKeyTtlSeconds;
  m.def("supported_languages", &SupportedLanguages, "Languages with analysis support.");
  m.def("setting_names", &IndexSettings::Names, "Every setting name, in display order.");

  py::class_<KnowledgeBaseCore>(m, "Core", "The native handle behind portalkb.KnowledgeBase.")
      .def_static("open", &KnowledgeBaseCore::Open, py::arg("path"), py::arg("create"))
      .def("close", &KnowledgeBaseCore::Close)
      .def_property_readonly("closed", &KnowledgeBaseCore::closed)
      .def_property_readonly("path", &KnowledgeBaseCore::path)
      .def("stats", &KnowledgeBaseCore::Stats)
      .def("search",
           [](KnowledgeBaseCore& core, std::string query, std::string user, std::string org,
              std::vector<std::string> roles, bool admin, std::vector<std::string> filters,
              std::vector<std::string> facets, std::string sort, std::size_t limit, std::size_t offset,
              std::string lang, std::string session, bool typos, bool prefix, bool correct, bool log) {
             SearchRequest r;
             r.query = std::move(query);
             r.principal = MakePrincipal(user, org, roles, admin);
             r.filters = std::move(filters);
             r.facets = std::move(facets);
             r.sort = std::move(sort);
             r.limit = limit;
             r.offset = offset;
             r.lang = std::move(lang);
             r.session = std::move(session);
             r.typo_tolerance = typos;
             r.prefix = prefix;
             r.correct = correct;
             r.log = log;
             return core.Search(std::move(r));
           })
      .def("suggest",
           [](KnowledgeBaseCore& core, std::string prefix, std::string user, std::string org,
              std::vector<std::string> roles, bool admin, std::string lang, std::size_t limit) {
             SuggestRequest r;
             r.prefix = std::move(prefix);
             r.principal = MakePrincipal(user, org, roles, admin);
             r.lang = std::move(lang);
             r.limit = limit;
             return core.Suggest(std::move(r));
           })
      .def("related", [](KnowledgeBaseCore& core, const std::string& id, const std::string& user,
                         const std::string& org, const std::vector<std::string>& roles, bool admin,
                         std::size_t limit) { return core.Related(id, MakePrincipal(user, org, roles, admin), limit); })
      .def("add_json", &KnowledgeBaseCore::AddJson)
      .def("add_files", &KnowledgeBaseCore::AddFiles)
      .def("delete", &KnowledgeBaseCore::Delete)
      .def("commit", &KnowledgeBaseCore::Commit)
      .def("synonyms", &KnowledgeBaseCore::Synonyms)
      .def("change_synonyms", &KnowledgeBaseCore::ChangeSynonyms)
      .def("stored_settings", &KnowledgeBaseCore::StoredSettings)
      .def("effective_settings", &KnowledgeBaseCore::EffectiveSettings)
      .def("set_setting", &KnowledgeBaseCore::SetSetting)
      .def("report",
           [](KnowledgeBaseCore& core, std::string kind, long long since_ms, long long until_ms, std::string lang,
              std::string role, std::size_t limit, std::string bucket) {
             ReportRequest r;
             r.kind = std::move(kind);
             r.since_ms = since_ms;
             r.until_ms = until_ms;
             r.lang = std::move(lang);
             r.role = std::move(role);
             r.limit = limit;
             r.bucket = std::move(bucket);
             return core.RunReport(r);
           })
      .def("events", &KnowledgeBaseCore::Events)
      .def("log_click", &KnowledgeBaseCore::LogClick)
      .def("log_feedback", &KnowledgeBaseCore::LogFeedback)
      .def("log_support_contact", &KnowledgeBaseCore::LogSupportContact)
      .def("flush_log", &KnowledgeBaseCore::FlushLog)
      .def("purge", &KnowledgeBaseCore::Purge)
      .def("erase_user", &KnowledgeBaseCore::EraseUser);

  BindAccounts(m, [](py::handle core) -> IndexAccess& { return core.cast<KnowledgeBaseCore&>(); });
}
