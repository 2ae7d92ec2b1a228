#include "typo/term_trie.h"

#include <algorithm>
#include <cstring>
#include <queue>

#include "typo/edit_distance.h"

namespace portalkb {

TermTrie::TermTrie(std::vector<std::pair<std::string, std::uint32_t>> input) {
  std::vector<std::pair<std::u32string, std::uint32_t>> terms;
  terms.reserve(input.size());
  for (auto& [term, freq] : input) {
    if (!term.empty() && freq > 0) terms.emplace_back(ToCodePoints(term), freq);
  }
  std::sort(terms.begin(), terms.end());
  // Merge duplicates, keeping the larger frequency.
  std::size_t out = 0;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (out > 0 && terms[out - 1].first == terms[i].first) {
      terms[out - 1].second = std::max(terms[out - 1].second, terms[i].second);
    } else {
      if (out != i) terms[out] = std::move(terms[i]);
      ++out;
    }
  }
  terms.resize(out);
  terms_ = terms.size();

  // Breadth-first layout: each node covers a range of sorted terms sharing
  // its path; its children are the distinct next letters in that range.
  struct Pending {
    std::uint32_t node;
    std::size_t lo, hi, depth;
  };
  auto owned = std::make_shared<std::vector<Node>>();
  std::vector<Node>& nodes = *owned;
  nodes.push_back(Node{});
  std::vector<Pending> queue{{0, 0, terms.size(), 0}};
  for (std::size_t q = 0; q < queue.size(); ++q) {
    const Pending p = queue[q];
    std::size_t lo = p.lo;
    // A term that ends at this depth sorts first in its range.
    if (lo < p.hi && terms[lo].first.size() == p.depth) {
      nodes[p.node].frequency = terms[lo].second;
      ++lo;
    }
    nodes[p.node].first_child = static_cast<std::uint32_t>(nodes.size());
    while (lo < p.hi) {
      const char32_t c = terms[lo].first[p.depth];
      std::size_t hi = lo;
      while (hi < p.hi && terms[hi].first[p.depth] == c) ++hi;
      Node child;
      child.label = c;
      nodes.push_back(child);
      ++nodes[p.node].child_count;
      queue.push_back({static_cast<std::uint32_t>(nodes.size() - 1), lo, hi, p.depth + 1});
      lo = hi;
    }
  }
  // best_below, children before parents: breadth-first order reversed.
  for (std::size_t i = nodes.size(); i-- > 0;) {
    Node& n = nodes[i];
    n.best_below = n.frequency;
    for (std::uint32_t k = 0; k < n.child_count; ++k) {
      n.best_below = std::max(n.best_below, nodes[n.first_child + k].best_below);
    }
  }
  this->nodes_ = owned->data();
  node_count_ = owned->size();
  storage_ = std::move(owned);
}

namespace {
// Serialized form: node count, term count, then the nodes.
struct TrieHeader {
  std::uint64_t node_count;
  std::uint64_t terms;
};
}  // namespace

std::string TermTrie::Serialize() const {
  const TrieHeader h{node_count_, terms_};
  std::string out(reinterpret_cast<const char*>(&h), sizeof h);
  if (node_count_ > 0) out.append(reinterpret_cast<const char*>(nodes_), node_count_ * sizeof(Node));
  return out;
}

Result<TermTrie> TermTrie::FromBytes(std::string_view bytes, std::shared_ptr<const void> owner) {
  static_assert(sizeof(Node) == 20 && alignof(Node) == 4, "the vocabulary file's node layout");
  TrieHeader h;
  if (bytes.size() < sizeof h) return Status::Corruption("vocabulary: shorter than its header");
  std::memcpy(&h, bytes.data(), sizeof h);
  if (h.node_count > (bytes.size() - sizeof h) / sizeof(Node) ||
      h.node_count * sizeof(Node) != bytes.size() - sizeof h) {
    return Status::Corruption("vocabulary: " + std::to_string(h.node_count) + " nodes do not fill " +
                              std::to_string(bytes.size()) + " bytes");
  }
  if (reinterpret_cast<std::uintptr_t>(bytes.data()) % alignof(Node) != 0) {
    return Status::Corruption("vocabulary: node array is not aligned");
  }
  TermTrie trie;
  trie.storage_ = std::move(owner);
  trie.nodes_ = h.node_count == 0 ? nullptr : reinterpret_cast<const Node*>(bytes.data() + sizeof h);
  trie.node_count_ = static_cast<std::size_t>(h.node_count);
  trie.terms_ = static_cast<std::size_t>(h.terms);
  return trie;
}

std::uint32_t TermTrie::ChildCount(std::uint32_t index) const {
  const Node& n = nodes_[index];
  if (n.first_child <= index || n.first_child > node_count_ || n.child_count > node_count_ - n.first_child) return 0;
  return n.child_count;
}

long TermTrie::Find(std::u32string_view path) const {
  if (node_count_ == 0) return -1;
  std::uint32_t node = 0;
  for (char32_t c : path) {
    const Node* begin = nodes_ + nodes_[node].first_child;
    const Node* end = begin + ChildCount(node);
    const Node* it = std::lower_bound(begin, end, c, [](const Node& x, char32_t v) { return x.label < v; });
    if (it == end || it->label != c) return -1;
    node = static_cast<std::uint32_t>(it - nodes_);
  }
  return node;
}

std::uint32_t TermTrie::Frequency(std::string_view term) const {
  const long node = Find(ToCodePoints(term));
  return node < 0 ? 0 : nodes_[static_cast<std::size_t>(node)].frequency;
}

std::vector<TrieMatch> TermTrie::Within(std::string_view word_utf8, int max_distance, int first_letter_cost,
                                        std::size_t limit) const {
  std::vector<TrieMatch> matches;
  if (node_count_ == 0 || limit == 0) return matches;
  const std::u32string word = ToCodePoints(word_utf8);
  const std::size_t m = word.size();
  const int f = first_letter_cost;
  const std::size_t width = m + 1;

  // rows[d * width + i]: distance between word[0..i) and the path of depth d.
  std::vector<int> rows(width);
  for (std::size_t i = 1; i <= m; ++i) rows[i] = rows[i - 1] + (i == 1 ? f : 1);
  std::u32string path;

  struct Frame {
    std::uint32_t node;
    std::uint32_t next_child;
  };
  std::vector<Frame> stack{{0, 0}};
  while (!stack.empty()) {
    Frame& frame = stack.back();
    const Node& parent = nodes_[frame.node];
    if (frame.next_child == ChildCount(frame.node)) {
      stack.pop_back();
      if (!path.empty()) path.pop_back();
      continue;
    }
    const std::uint32_t child_index = parent.first_child + frame.next_child++;
    const Node& child = nodes_[child_index];
    const std::size_t depth = path.size() + 1;  // j
    const char32_t c = child.label;
    rows.resize((depth + 1) * width);
    const int* prev = &rows[(depth - 1) * width];
    const int* prev2 = depth >= 2 ? &rows[(depth - 2) * width] : nullptr;
    int* row = &rows[depth * width];
    row[0] = prev[0] + (depth == 1 ? f : 1);
    int row_min = row[0];
    for (std::size_t i = 1; i <= m; ++i) {
      const int edit = i == 1 || depth == 1 ? f : 1;
      int best = std::min(prev[i] + (depth == 1 ? f : 1), row[i - 1] + (i == 1 ? f : 1));
      best = std::min(best, prev[i - 1] + (word[i - 1] == c ? 0 : edit));
      if (prev2 != nullptr && i > 1 && word[i - 1] == path.back() && word[i - 2] == c) {
        best = std::min(best, prev2[i - 2] + (i == 2 || depth == 2 ? f : 1));
      }
      row[i] = best;
      row_min = std::min(row_min, best);
    }
    if (child.frequency > 0 && row[m] <= max_distance) {
      path.push_back(c);
      matches.push_back({ToUtf8(path), row[m], child.frequency});
      path.pop_back();
    }
    if (row_min <= max_distance && ChildCount(child_index) > 0) {
      path.push_back(c);
      stack.push_back({child_index, 0});
    }
  }
  std::sort(matches.begin(), matches.end(), [](const TrieMatch& a, const TrieMatch& b) {
    if (a.distance != b.distance) return a.distance < b.distance;
    if (a.frequency != b.frequency) return a.frequency > b.frequency;
    return a.term < b.term;
  });
  if (matches.size() > limit) matches.resize(limit);
  return matches;
}

std::vector<TrieMatch> TermTrie::Complete(std::string_view prefix_utf8, std::size_t limit) const {
  std::vector<TrieMatch> out;
  const std::u32string prefix = ToCodePoints(prefix_utf8);
  const long start = Find(prefix);
  if (start < 0 || limit == 0) return out;

  // Best-first over subtrees by their highest frequency: pops terms in
  // descending frequency without visiting the whole subtree.
  struct Item {
    std::uint32_t priority;
    std::uint32_t node;
    bool is_term;  // the term ending at `node` (vs. the subtree below it)
    std::u32string path;
    bool operator<(const Item& o) const {
      if (priority != o.priority) return priority < o.priority;
      return path > o.path;  // alphabetical among equals
    }
  };
  std::priority_queue<Item> queue;
  const auto root = static_cast<std::uint32_t>(start);
  queue.push({nodes_[root].best_below, root, false, prefix});
  while (!queue.empty() && out.size() < limit) {
    Item item = queue.top();
    queue.pop();
    const Node& n = nodes_[item.node];
    if (item.is_term) {
      out.push_back({ToUtf8(item.path), 0, n.frequency});
      continue;
    }
    if (n.frequency > 0) queue.push({n.frequency, item.node, true, item.path});
    const std::uint32_t children = ChildCount(item.node);
    for (std::uint32_t k = 0; k < children; ++k) {
      const std::uint32_t child = n.first_child + k;
      std::u32string path = item.path;
      path.push_back(nodes_[child].label);
      queue.push({nodes_[child].best_below, child, false, std::move(path)});
    }
  }
  return out;
}

}  // namespace portalkb
