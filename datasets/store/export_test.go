package store

// UpkeepEvery sets how many added rows start s's VACUUM (ANALYZE)
// (PostgreSQL) and returns a count of the runs finished.
func UpkeepEvery(s *Store, rows int64) func() int64 {
	s.upkeep.every.Store(rows)
	return s.upkeep.runs.Load
}
