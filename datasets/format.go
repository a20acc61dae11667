package datasets

import (
	"fmt"
	"path/filepath"
	"strings"
)

// formatExts maps every file extension that Open and CreateWriter know to
// its format. Reading and writing share it, so a file leadscore writes can
// always be read back by its name.
var formatExts = map[string]string{
	".csv":     FormatCSV,
	".tsv":     FormatCSV,
	".txt":     FormatCSV,
	".parquet": FormatParquet,
	".pq":      FormatParquet,
	".arrow":   FormatArrow,
	".ipc":     FormatArrow,
	".feather": FormatArrow,
	".jsonl":   FormatJSONL,
	".ndjson":  FormatJSONL,
}

// formatNames lists the accepted format names for messages.
const formatNames = "csv, parquet, arrow or jsonl (or tsv, txt, pq, ipc, feather, ndjson)"

// ParseFormat returns the format, FormatCSV, FormatParquet, FormatArrow or
// FormatJSONL, that name stands for. name is a format name or a file
// extension without its dot, in any case: tsv and txt are CSV, pq is
// Parquet, ipc and feather are Arrow IPC files, ndjson is JSON Lines.
func ParseFormat(name string) (string, error) {
	if f, ok := formatExts["."+strings.ToLower(strings.TrimSpace(name))]; ok {
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q: expected %s", name, formatNames)
}

// FormatFromPath returns the format implied by the file name's extension
// (any case): .csv .tsv .txt are CSV, .parquet .pq Parquet, .arrow .ipc
// .feather Arrow IPC files, .jsonl .ndjson JSON Lines. The error starts
// with the path.
func FormatFromPath(path string) (string, error) {
	ext := filepath.Ext(path)
	if f, ok := formatExts[strings.ToLower(ext)]; ok {
		return f, nil
	}
	return "", fmt.Errorf("%s: cannot tell the format from the extension %q: name the file .csv, .tsv, .parquet, .arrow or .jsonl, or set the format to one of csv, parquet, arrow or jsonl", path, ext)
}

// ParseDelimiter returns the CSV field delimiter that s names: ",", ";",
// "|", or a tab written as "tab", `\t` or a tab character. "" means "sniff
// it from the file" and returns 0, as ReadOptions.Delimiter expects.
func ParseDelimiter(s string) (rune, error) {
	switch s {
	case "":
		return 0, nil
	case "tab", `\t`, "\t":
		return '\t', nil
	case ",", ";", "|":
		return rune(s[0]), nil
	}
	return 0, fmt.Errorf(`delimiter %q: expected ",", ";", "tab" or "|"`, s)
}

// writeDelimiter is the delimiter CreateWriter uses for a CSV file: a tab
// when the format is named "tsv", or when no format is named and the file
// ends in .tsv; a comma otherwise.
func writeDelimiter(path, format string) byte {
	if format != "" {
		if strings.EqualFold(strings.TrimSpace(format), "tsv") {
			return '\t'
		}
		return ','
	}
	if strings.EqualFold(filepath.Ext(path), ".tsv") {
		return '\t'
	}
	return ','
}
