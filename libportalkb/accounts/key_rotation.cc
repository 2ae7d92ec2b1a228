// Key rotation: re-sealing rows under the current key, batch by batch.
#include <sodium.h>

#include <algorithm>

#include "accounts/accounts_impl.h"

namespace portalkb {

// --- Key rotation -------------------------------------------------------------

Result<KeyRotationProgress> Accounts::RotateKey(std::size_t max_rows) {
  KeyRotationProgress progress;
  while (max_rows == 0 || progress.resealed < max_rows) {
    // One batch per lock and transaction, so other calls go on between them.
    MutexLock lock(impl_->mutex);
    const auto& key = impl_->keys.current();
    std::size_t batch = impl_->options.rotation_batch;
    if (max_rows != 0) batch = std::min(batch, max_rows - progress.resealed);
    auto rows = impl_->Query(std::string("SELECT ") + kUserColumns + " FROM users WHERE key_id != ? LIMIT ?",
                             {key.id, static_cast<std::int64_t>(batch)});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) break;
    sqlite::Transaction transaction(impl_->db);
    if (!transaction.status().ok()) return transaction.status();
    for (const auto& row : rows.value()) {
      const StoredUser s = FromRow(row);
      auto reseal = [&](const std::string& sealed, std::string_view field) -> Result<std::string> {
        if (sealed.empty()) return std::string();
        auto plain = impl_->keys.Open(sealed, s.key_id, SealContext(s.id, field));
        if (!plain.ok()) return plain.status();
        std::string out = impl_->keys.Seal(plain.value(), SealContext(s.id, field));
        sodium_memzero(plain->data(), plain->size());
        return out;
      };
      auto email = impl_->keys.Open(s.email_sealed, s.key_id, SealContext(s.id, "email"));
      if (!email.ok()) return email.status();
      auto name = reseal(s.name_sealed, "name");
      auto totp = reseal(s.totp_sealed, "totp");
      auto pending = reseal(s.totp_pending_sealed, "totp_pending");
      for (const auto* r : {&name, &totp, &pending}) {
        if (!r->ok()) return r->status();
      }
      if (auto st = impl_->Run(
              "UPDATE users SET key_id = ?, email_index = ?, email_sealed = ?, name_sealed = ?, totp_sealed = ?,"
              " totp_pending_sealed = ? WHERE id = ? AND key_id = ?",
              {key.id, accounts::KeyRing::BlindIndex(key, email.value()),
               impl_->keys.Seal(email.value(), SealContext(s.id, "email")), name.value(), totp.value(), pending.value(),
               s.id, s.key_id});
          !st.ok()) {
        return st;
      }
      ++progress.resealed;
    }
    if (auto st = transaction.Commit(); !st.ok()) return st;
  }
  MutexLock lock(impl_->mutex);
  auto left = impl_->Query("SELECT COUNT(*) FROM users WHERE key_id != ?", {impl_->keys.current().id});
  if (!left.ok()) return left.status();
  progress.remaining = static_cast<std::size_t>(std::stoll(left->front()[0]));
  return progress;
}

}  // namespace portalkb
