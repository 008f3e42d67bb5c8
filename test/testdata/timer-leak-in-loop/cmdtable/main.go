package main

import (
	"os"
	"time"
)

type command interface {
	run(args []string)
}

var commands = map[string]command{
	"produce": &producer{every: time.Second},
}

func main() {
	if len(os.Args) < 2 {
		return
	}
	if c, ok := commands[os.Args[1]]; ok {
		c.run(os.Args[2:])
	}
}
