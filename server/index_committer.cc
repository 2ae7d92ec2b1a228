#include "index_committer.h"

#include <chrono>
#include <iostream>

namespace portalkb::server {

Result<std::unique_ptr<IndexCommitter>> IndexCommitter::Open(const std::string& path, int commit_interval_ms) {
  auto writer = IndexWriter::Open(path);
  if (!writer.ok()) return writer.status();
  return std::unique_ptr<IndexCommitter>(new IndexCommitter(std::move(writer).value(), commit_interval_ms));
}

IndexCommitter::IndexCommitter(std::unique_ptr<IndexWriter> writer, int interval_ms)
    : writer_(std::move(writer)), interval_ms_(interval_ms) {
  thread_ = std::thread([this] { Loop(); });
}

IndexCommitter::~IndexCommitter() { Stop(); }

Status IndexCommitter::Write(const std::function<Status(IndexWriter&)>& change, bool wait) {
  MutexLock lock(mutex_);
  if (stopping_) return Status::Unavailable("the server is shutting down");
  Status s = change(*writer_);
  // A failed change may still have put part of a batch; commit what is there.
  dirty_ = true;
  if (wait) {
    if (Status c = writer_->Commit(); !c.ok()) return c;
    dirty_ = false;
  }
  return s;
}

Status IndexCommitter::CommitPending() {
  MutexLock lock(mutex_);
  if (!dirty_) return Status::Ok();
  Status s = writer_->Commit();
  if (s.ok()) dirty_ = false;
  return s;
}

void IndexCommitter::Loop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_.native());
      wake_.wait_for(lock, std::chrono::milliseconds(interval_ms_));
      if (stopping_) return;
    }
    if (Status s = CommitPending(); !s.ok()) {
      std::cerr << "portalkb serve: commit failed: " << s.ToString() << "\n";
    }
  }
}

void IndexCommitter::Stop() {
  {
    MutexLock lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  MutexLock lock(mutex_);
  if (dirty_) {
    if (Status s = writer_->Commit(); !s.ok())
      std::cerr << "portalkb serve: last commit failed: " << s.ToString() << "\n";
    dirty_ = false;
  }
}

}  // namespace portalkb::server
