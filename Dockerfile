# A drop-in replacement for the Docker "ambassador" image (busybox + socat):
# busybox, a static relay, also installed as "socat", and the ambassador
# front script as entry point.
#
#   docker build -t relay-ambassador .
#   docker run -d --name redis_ambassador --expose 6379 \
#       -e REDIS_PORT_6379_TCP=tcp://192.168.1.52:6379 relay-ambassador
#
# Stage 1: build relay as a fully static binary with musl.
# (musl-gcc is a wrapper around gcc; gcc also brings binutils for "strip".)
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc musl-tools make \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN make static \
 && ./relay -V

# Stage 2: busybox plus relay and the ambassador script.
FROM busybox
COPY --from=build /src/relay /usr/bin/relay
COPY ambassador /usr/bin/ambassador
RUN chmod 0755 /usr/bin/relay /usr/bin/ambassador \
 && ln -s relay /usr/bin/socat
ENTRYPOINT ["/usr/bin/ambassador"]
