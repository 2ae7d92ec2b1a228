// portalkb gdpr export|rectify|erase USER: a data subject's requests, over
// every store of an index (accounts, audit trail, analytics, documents).
// Thin: parse, call one Portal method, print.
#include <sys/stat.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "portalkb/engine.h"
#include "portalkb/index_writer.h"
#include "portalkb/portal.h"

namespace portalkb::cli {

int RunGdpr(const std::vector<std::string>& args) {
  const std::string usage =
      "export|rectify|erase USER_ID --db DIR --key-file F [options]\n"
      "  export:  everything held about the user, as one JSON document (--out FILE, or stdout)\n"
      "  rectify: correct profile fields (--email, --name, --language, --contact-channel)\n"
      "  erase:   remove the account, pseudonymise the audit trail and analytics, list (or with\n"
      "           --delete-own-documents delete) the documents granted to the user alone";
  po::options_description options("options");
  std::string action, user, db, key_file, out, actor = "operator";
  std::string email, name, language, channel;
  bool delete_own = false;
  bool json = false;
  options.add_options()("action", po::value(&action)->required(), "export, rectify or erase (positional)")(
      "user", po::value(&user)->required(), "the user id (positional)")(
      "db", po::value(&db)->required(), "index directory")("key-file", po::value(&key_file)->required(),
                                                           "the accounts key file (mode 600)")(
      "actor", po::value(&actor)->default_value("operator"), "who handles the request, for the audit trail")(
      "out", po::value(&out), "export: write the JSON here (mode 600) instead of stdout")(
      "email", po::value(&email), "rectify: new e-mail address")("name", po::value(&name), "rectify: new display name")(
      "language", po::value(&language), "rectify: nl, en, sv or de")("contact-channel", po::value(&channel),
                                                                     "rectify: email, phone or portal")(
      "delete-own-documents", po::bool_switch(&delete_own),
      "erase: delete the documents granted to this user alone (default: list them)")("json", po::bool_switch(&json),
                                                                                     "rectify, erase: print JSON");
  po::positional_options_description positional;
  positional.add("action", 1).add("user", 1);
  bool help = false;
  auto vm = ParseOptions("gdpr", args, options, positional, usage, help);
  if (!vm) return kExitUsage;
  if (help) return kExitOk;
  const std::string command = "gdpr " + action;
  if (action != "export" && action != "rectify" && action != "erase") {
    std::cerr << "portalkb gdpr: unknown action '" << action << "' (expected export, rectify or erase)\n";
    return kExitUsage;
  }
  PortalOptions portal_options;
  portal_options.accounts.key_file = key_file;
  portal_options.audit.create = true;
  portal_options.erase_deletes_own_documents = delete_own;
  auto portal = Portal::Open(db, portal_options);
  if (!portal.ok()) return ReportError(command, portal.status());

  if (action == "rectify") {
    UserUpdate update;
    if (vm->count("email")) update.email = email;
    if (vm->count("name")) update.display_name = name;
    if (vm->count("language")) update.language = language;
    if (vm->count("contact-channel")) update.contact_channel = channel;
    if (!update.email && !update.display_name && !update.language && !update.contact_channel) {
      std::cerr << "portalkb gdpr rectify: nothing to correct (--email, --name, --language, --contact-channel)\n";
      return kExitUsage;
    }
    auto updated = portal.value()->RectifyUser(user, update, actor);
    if (!updated.ok()) return ReportError(command, updated.status());
    if (json) {
      std::cout << nlohmann::json{{"user", updated->id}, {"rectified", true}}.dump() << "\n";
    } else {
      std::cout << "rectified " << updated->id << " (recorded in the audit trail)\n";
    }
    return kExitOk;
  }

  // Export and erase read the index and its analytics log too.
  auto engine = Engine::Open(db);
  if (!engine.ok()) return ReportError(command, engine.status());
  if (action == "export") {
    auto exported = portal.value()->ExportUser(*engine.value(), user, actor);
    if (!exported.ok()) return ReportError(command, exported.status());
    if (out.empty()) {
      std::cout << exported.value() << "\n";
      return kExitOk;
    }
    // Personal data: readable by its owner only, created so from the start.
    std::ofstream file;
    {
      const mode_t old = umask(077);
      file.open(out, std::ios::binary | std::ios::trunc);
      umask(old);
    }
    if (!file || !(file << exported.value() << "\n") || !file.flush()) {
      return ReportError(command, Status::IOError(out + ": cannot write the export"));
    }
    std::cerr << "wrote " << out << "\n";
    return kExitOk;
  }
  std::unique_ptr<IndexWriter> writer;
  if (delete_own) {
    auto opened = IndexWriter::Open(db);
    if (!opened.ok()) return ReportError(command, opened.status());
    writer = std::move(opened).value();
  }
  auto report = portal.value()->EraseUser(*engine.value(), writer.get(), user, actor);
  if (!report.ok()) return ReportError(command, report.status());
  if (json) {
    std::cout << nlohmann::json{{"user", report->user},
                                {"pseudonym", report->pseudonym},
                                {"audit_entries_pseudonymised", report->audit_entries_pseudonymised},
                                {"searches_pseudonymised", report->searches_pseudonymised},
                                {"own_documents", report->own_documents},
                                {"own_documents_deleted", report->own_documents_deleted},
                                {"shared_documents", report->shared_documents}}
                     .dump()
              << "\n";
    return kExitOk;
  }
  std::cout << "erased " << report->user << ": account removed, " << report->audit_entries_pseudonymised
            << " audit entries and " << report->searches_pseudonymised << " searches pseudonymised as "
            << report->pseudonym << "\n";
  if (!report->own_documents.empty()) {
    std::cout << (report->own_documents_deleted ? "deleted"
                                                : "granted to this user alone (not deleted; "
                                                  "--delete-own-documents deletes them)")
              << ":\n";
    for (const auto& id : report->own_documents) std::cout << "  " << id << "\n";
  }
  if (!report->shared_documents.empty()) {
    std::cout << "shared with others (kept):\n";
    for (const auto& id : report->shared_documents) std::cout << "  " << id << "\n";
  }
  return kExitOk;
}

}  // namespace portalkb::cli
