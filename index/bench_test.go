package index

import (
	"context"
	"path/filepath"
	"testing"
)

// BenchmarkApplySQLite measures the store alone (no node, no network):
// one registry registration per tx, each tx its own SQL transaction with
// the cursor. Reported as txs/s.
func BenchmarkApplySQLite(b *testing.B) {
	msgs, state := fixture(b.N)
	s, err := OpenDSN(context.Background(), "sqlite:"+filepath.Join(b.TempDir(), "b.db"), registryTables())
	if err != nil {
		b.Fatal(err)
	}
	defer s.DB.Close()
	b.ResetTimer()
	for _, m := range msgs {
		if _, err := s.Apply(context.Background(), m, state); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "txs/s")
}

// BenchmarkApplyPostgres is BenchmarkApplySQLite against a local
// PostgreSQL cluster (fsync=off in the test cluster: an upper bound).
func BenchmarkApplyPostgres(b *testing.B) {
	dsn := startPostgres(b)
	msgs, state := fixture(b.N)
	s, err := OpenDSN(context.Background(), dsn, registryTables())
	if err != nil {
		b.Fatal(err)
	}
	defer s.DB.Close()
	b.ResetTimer()
	for _, m := range msgs {
		if _, err := s.Apply(context.Background(), m, state); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "txs/s")
}
