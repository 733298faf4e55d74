# A small container image with the iac-fix binary and nothing else (distroless: no shell).
#   docker build -t iac-fix .
#   docker run --rm -v "$PWD:/work" iac-fix --dry-run .
# `iac-fix pr` needs git, which this image does not have: use the pip or npm package there.
FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin iac-fix \
 && cp target/release/iac-fix /iac-fix \
 && strip /iac-fix

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /iac-fix /usr/local/bin/iac-fix
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/iac-fix"]
