package index

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/govchain/govchain/api/apitype"
)

// BenchmarkApplySQLite measures the store alone (no node, no network):
// one registry registration per tx, each tx its own SQL transaction with
// the cursor. Reported as txs/s.
func BenchmarkApplySQLite(b *testing.B) {
	msgs, state := fixture(b.N)
	msgs = withBlocks(msgs)
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
	msgs = withBlocks(msgs)
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

// BenchmarkRebuildSQLite is the store alone as a rebuild drives it: up to
// 1000 messages (whole heights) per SQL transaction.
func BenchmarkRebuildSQLite(b *testing.B) {
	benchRebuild(b, "sqlite:"+filepath.Join(b.TempDir(), "b.db"))
}

// BenchmarkRebuildPostgres is BenchmarkRebuildSQLite against PostgreSQL.
func BenchmarkRebuildPostgres(b *testing.B) { benchRebuild(b, startPostgres(b)) }

func benchRebuild(b *testing.B, dsn string) {
	msgs, state := fixture(b.N)
	msgs = withBlocks(msgs)
	s, err := OpenDSN(context.Background(), dsn, registryTables())
	if err != nil {
		b.Fatal(err)
	}
	defer s.DB.Close()
	b.ResetTimer()
	for i := 0; i < len(msgs); i += 999 {
		var batch []*apitype.EventMessage
		for j := i; j < len(msgs) && j < i+999; j++ {
			batch = append(batch, &msgs[j])
		}
		if _, err := s.ApplyBatch(context.Background(), batch, state); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "txs/s")
}
