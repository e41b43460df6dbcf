package api

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the node's Prometheus metrics, served at /metrics.
type Metrics struct {
	Registry     *prometheus.Registry
	Committed    prometheus.Counter
	Failed       *prometheus.CounterVec
	Rejected     *prometheus.CounterVec
	BlockTime    prometheus.Histogram
	BlockTxs     prometheus.Histogram
	Height       prometheus.Gauge
	lastBlockAt  time.Time
	mempoolGauge prometheus.GaugeFunc

	// The event stream (GET /v1/events).
	EventSubscribers prometheus.Gauge
	EventsDropped    prometheus.Counter

	// ReadsBusy counts expensive reads refused with 503 (ReadLimits).
	ReadsBusy prometheus.Counter
}

// NewMetrics registers the metrics; mempoolSize is read at scrape time.
func NewMetrics(mempoolSize func() int) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		Committed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "govchain_tx_committed_total", Help: "Transactions committed with code 0.",
		}),
		Failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "govchain_tx_failed_total", Help: "Transactions committed with a non-zero result code, by code.",
		}, []string{"code"}),
		Rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "govchain_tx_rejected_total", Help: "Transactions refused at submission (CheckTx), by code.",
		}, []string{"code"}),
		BlockTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "govchain_block_interval_seconds", Help: "Time between consecutive block headers.",
			Buckets: []float64{0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20},
		}),
		BlockTxs: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "govchain_block_txs", Help: "Transactions per block.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 9),
		}),
		Height: prometheus.NewGauge(prometheus.GaugeOpts{Name: "govchain_height", Help: "Last committed height."}),
		EventSubscribers: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "govchain_event_subscribers", Help: "Websocket subscribers of GET /v1/events.",
		}),
		EventsDropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "govchain_event_subscribers_dropped_total", Help: "Event subscribers dropped as too slow (close status 1008).",
		}),
		ReadsBusy: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "govchain_api_reads_busy_total", Help: "Expensive reads (list pages, proofs, receipts, blocks) refused with 503 after waiting for a turn.",
		}),
	}
	m.mempoolGauge = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "govchain_mempool_size", Help: "Transactions waiting in the mempool.",
	}, func() float64 { return float64(mempoolSize()) })
	m.Registry.MustRegister(m.Committed, m.Failed, m.Rejected, m.BlockTime, m.BlockTxs, m.Height, m.mempoolGauge,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.Registry.MustRegister(m.EventSubscribers, m.EventsDropped, m.ReadsBusy)
	return m
}

// ObserveBlock records a committed block.
func (m *Metrics) ObserveBlock(height int64, t time.Time, codes []uint32) {
	if !m.lastBlockAt.IsZero() {
		m.BlockTime.Observe(t.Sub(m.lastBlockAt).Seconds())
	}
	m.lastBlockAt = t
	m.Height.Set(float64(height))
	m.BlockTxs.Observe(float64(len(codes)))
	for _, c := range codes {
		if c == 0 {
			m.Committed.Inc()
		} else {
			m.Failed.WithLabelValues(strconv.FormatUint(uint64(c), 10)).Inc()
		}
	}
}

// ObserveRejected records a refused submission.
func (m *Metrics) ObserveRejected(code uint32) {
	m.Rejected.WithLabelValues(strconv.FormatUint(uint64(code), 10)).Inc()
}
