#!/usr/bin/env python3
"""Weekly content-gap review: the last 7 days of a portal's search analytics.

Prints the top searches that found nothing (the content to write next) and
writes a PNG chart of the daily zero-result rate.

    python3 weekly_zero_results.py --db var/index --chart zero-results.png

Needs matplotlib (Debian: python3-matplotlib) for the chart; pandas is not
required.
"""
import argparse
import datetime as dt
import sys

import portalkb


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="index directory")
    parser.add_argument("--chart", default="zero-results.png", help="PNG file to write")
    parser.add_argument("--top", type=int, default=10, help="content gaps to print")
    parser.add_argument("--lang", help="only searches in this language")
    args = parser.parse_args(argv)

    today = dt.datetime.now(dt.timezone.utc).date()
    since = today - dt.timedelta(days=6)  # today and the six days before it
    with portalkb.KnowledgeBase.open(args.db) as kb:
        gaps = kb.analytics.report("zero-results", since=since, lang=args.lang, limit=args.top)
        daily = kb.analytics.report("summary", since=since, lang=args.lang, bucket="day")

    print(f"Top searches without results, {since} to {today}:")
    if not gaps:
        print("  (none)")
    for i, row in enumerate(gaps, 1):
        variants = ", ".join(v for v in row["variants"] if v != row["query"])
        print(f"  {i:2}. {row['query']!r}: {row['count']} searches ({row['share']:.1%}), trend {row['trend']}"
              + (f"; also typed as {variants}" if variants else ""))

    # Every day of the week gets a point, days without searches as 0.
    rate_by_day = {row["period"]: row["zero_result_rate"] for row in daily}
    days = [since + dt.timedelta(days=d) for d in range(7)]
    rates = [100 * rate_by_day.get(day.isoformat(), 0.0) for day in days]

    import matplotlib
    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4), dpi=100)
    ax.plot(days, rates, marker="o")
    ax.set_title("Searches without results per day")
    ax.set_ylabel("zero-result rate (%)")
    ax.set_ylim(0, max(100.0, max(rates) * 1.1))
    ax.grid(True, alpha=0.3)
    fig.autofmt_xdate()
    fig.savefig(args.chart, format="png")
    plt.close(fig)
    print(f"chart: {args.chart}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
