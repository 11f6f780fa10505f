package browsertest

import (
	"fmt"
	"slices"
	"time"
)

// Latencies are measured delays, for the figures a test logs and judges.
type Latencies []time.Duration

// Percentile returns the smallest delay at or above fraction q (0..1) of
// them (nearest rank); 0 for none.
func (l Latencies) Percentile(q float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := slices.Clone(l)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.999999) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// Median is Percentile(0.5).
func (l Latencies) Median() time.Duration { return l.Percentile(0.5) }

// String gives the count, median, 95th percentile, least and most, in ms.
func (l Latencies) String() string {
	if len(l) == 0 {
		return "no samples"
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
	return fmt.Sprintf("n=%d median %s, p95 %s, min %s, max %s",
		len(l), ms(l.Median()), ms(l.Percentile(0.95)), ms(slices.Min(l)), ms(slices.Max(l)))
}
