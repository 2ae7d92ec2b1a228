#include "metrics.h"

#include <cstdio>

namespace portalkb::server {
namespace {

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

void Metrics::Record(const std::string& endpoint, int status, double ms) {
  MutexLock lock(mutex_);
  ++requests_[{endpoint, status}];
  Histogram& h = latency_[endpoint];
  for (std::size_t i = 0; i < kBucketsMs.size(); ++i) {
    if (ms <= kBucketsMs[i]) ++h.buckets[i];  // cumulative, as Prometheus wants
  }
  ++h.count;
  h.sum_ms += ms;
}

void Metrics::RecordZeroResultSearch() {
  MutexLock lock(mutex_);
  ++zero_result_searches_;
}

std::string Metrics::Render(const std::map<std::string, double>& gauges) const {
  std::string out;
  MutexLock lock(mutex_);
  out += "# HELP portalkb_http_requests_total HTTP requests by endpoint and status.\n";
  out += "# TYPE portalkb_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    out += "portalkb_http_requests_total{endpoint=\"" + key.first + "\",status=\"" + std::to_string(key.second) +
           "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP portalkb_http_request_duration_seconds Time from request parsed to response ready.\n";
  out += "# TYPE portalkb_http_request_duration_seconds histogram\n";
  for (const auto& [endpoint, h] : latency_) {
    const std::string label = "endpoint=\"" + endpoint + "\"";
    for (std::size_t i = 0; i < kBucketsMs.size(); ++i) {
      out += "portalkb_http_request_duration_seconds_bucket{" + label + ",le=\"" + Number(kBucketsMs[i] / 1000) +
             "\"} " + std::to_string(h.buckets[i]) + "\n";
    }
    out += "portalkb_http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " + std::to_string(h.count) + "\n";
    out += "portalkb_http_request_duration_seconds_sum{" + label + "} " + Number(h.sum_ms / 1000) + "\n";
    out += "portalkb_http_request_duration_seconds_count{" + label + "} " + std::to_string(h.count) + "\n";
  }
  out += "# HELP portalkb_zero_result_searches_total Searches that found nothing.\n";
  out += "# TYPE portalkb_zero_result_searches_total counter\n";
  out += "portalkb_zero_result_searches_total " + std::to_string(zero_result_searches_) + "\n";
  for (const auto& [name, value] : gauges) {
    out += "# TYPE " + name + " gauge\n" + name + " " + Number(value) + "\n";
  }
  return out;
}

}  // namespace portalkb::server
