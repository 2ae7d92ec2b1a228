// QueryOwners: which principal made a search, for attributing its events.
#include <gtest/gtest.h>

#include <string>

#include "server_impl.h"

namespace portalkb::server {
namespace {

std::string Id(std::size_t n) { return "q-" + std::to_string(n); }
std::string OwnerOf(std::size_t n) { return "user=u" + std::to_string(n % 7) + ";org=;roles="; }

TEST(QueryOwners, RemembersTheNewestIdsWithTheirOwnersAndForgetsTheOldest) {
  QueryOwners owners;
  constexpr std::size_t kMax = QueryOwners::kMaxRemembered;
  EXPECT_EQ(owners.Check(Id(1), OwnerOf(1)), QueryOwners::Owner::kUnknown);
  // Two and a half times round the ring: every forgotten id shifts the
  // slots after it, so each still-remembered one must be found again.
  const std::size_t total = 2 * kMax + kMax / 2;
  for (std::size_t n = 0; n < total; ++n) owners.Remember(Id(n), OwnerOf(n));
  for (std::size_t n = 0; n < total; ++n) {
    const bool remembered = n >= total - kMax;
    ASSERT_EQ(owners.Check(Id(n), OwnerOf(n)), remembered ? QueryOwners::Owner::kSame : QueryOwners::Owner::kUnknown)
        << n;
    if (remembered) {
      ASSERT_EQ(owners.Check(Id(n), OwnerOf(n + 1)), QueryOwners::Owner::kOther) << n;
    }
  }
}

TEST(QueryOwners, ASecondRememberOfAnIdKeepsItsFirstOwner) {
  QueryOwners owners;
  owners.Remember("q-a", "user=alice;org=;roles=");
  owners.Remember("q-a", "user=mallory;org=;roles=");
  EXPECT_EQ(owners.Check("q-a", "user=alice;org=;roles="), QueryOwners::Owner::kSame);
  EXPECT_EQ(owners.Check("q-a", "user=mallory;org=;roles="), QueryOwners::Owner::kOther);
  owners.Remember("", "user=alice;org=;roles=");
  EXPECT_EQ(owners.Check("", "user=alice;org=;roles="), QueryOwners::Owner::kUnknown);
}

}  // namespace
}  // namespace portalkb::server
