module corpus

go 1.19

require golang.org/x/sync v0.0.0

replace golang.org/x/sync => ./third_party/xsync
