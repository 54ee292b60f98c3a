"""Standalone mode (`reach standalone`): every workload of the platform as a child process on
one machine, supervised. `workloads` declares them (command, ports, readiness, dependencies,
stop stage) as data; `supervising` starts them in dependency order, restarts crashed ones with
backoff and stops them intake first, sinks last; `scheduling` runs the analytics pipelines on the
cluster's schedules; `demo` seeds a demo universe from the sandbox; `statusing` serves and prints
what runs and each pipeline's last run."""
