// A MatchSpy that counts the documents the matcher accepted (after the match
// decider). Up to the match's check_at_least that is every match; beyond it,
// only those the matcher did not prune. Unlike MSet::get_matches_estimated
// it comes from no term statistic, so documents a principal may not see
// never move it.
#pragma once

#include <xapian.h>

namespace portalkb {

class CountingSpy : public Xapian::MatchSpy {
 public:
  void operator()(const Xapian::Document&, double) override { ++count_; }
  Xapian::doccount count() const { return count_; }

 private:
  Xapian::doccount count_ = 0;
};

}  // namespace portalkb
