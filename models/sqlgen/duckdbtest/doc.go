// Package duckdbtest runs the compiled scoring query in an embedded DuckDB
// and checks it against the Go scoring path, as models/sqlgen's tests do in
// SQLite and PostgreSQL.
//
// It is a module of its own because github.com/duckdb/duckdb-go needs cgo
// and a large native library: the leadscore module, its go vet ./... and
// its static CGO_ENABLED=0 build never see it. The test is behind the
// duckdb build tag:
//
//	cd models/sqlgen/duckdbtest && go test -tags duckdb ./...
//
// The first build links DuckDB and takes minutes.
package duckdbtest
