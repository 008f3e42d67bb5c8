package pipeline

func Run(lines []string) {
	in := make(chan string)
	go stage(in)
	go print(in)
	for _, l := range lines {
		if l != "#" {
			in <- l
		}
	}
}
