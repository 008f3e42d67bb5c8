module corpus/gateway

go 1.22
