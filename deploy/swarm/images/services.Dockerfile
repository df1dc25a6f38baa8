# Agora's five services. The build stage has the compilers and compiles the release binaries (its build
# folder and ccache are cache mounts, so a rebuild after a change compiles only what changed); each
# service's stage holds only its binary, the libraries it loads and a user of its own.
#   docker build -f deploy/swarm/images/services.Dockerfile --target auth -t agora/auth:<tag> .
ARG BASE=agora/debian:bookworm

FROM ${BASE} AS build
COPY deploy/swarm/images/apt-pinned deploy/swarm/images/versions.txt deploy/local/packages-build.txt /usr/local/lib/agora/
RUN /usr/local/lib/agora/apt-pinned --list /usr/local/lib/agora/packages-build.txt
WORKDIR /src
COPY CMakeLists.txt CMakePresets.json ./
COPY cmake cmake
COPY api api
COPY libs libs
COPY services services
COPY tests/CMakeLists.txt tests/CMakeLists.txt
ARG JOBS=2
# The build folder is shared by every checkout built on this machine, and ninja compares times, not
# contents: a source whose content differs from the last build's (all of them when that is unknown) is
# touched first, so that it and what includes it are compiled again.
RUN --mount=type=cache,id=agora-release,target=/src/build/release \
    --mount=type=cache,id=agora-ccache,target=/root/.cache/ccache \
    find CMakeLists.txt CMakePresets.json cmake api libs services tests -type f -print0 | sort -z \
        | xargs -0 sha1sum >/tmp/sources.sha1 \
    && if [ -f build/release/sources.sha1 ]; then \
           sha1sum -c build/release/sources.sha1 2>/dev/null | sed -n 's/: FAILED$//p' | xargs -r touch; \
       else cut -c43- /tmp/sources.sha1 | xargs -r touch; fi \
    && cmake --preset release >/dev/null \
    && cmake --build --preset release --parallel "${JOBS}" \
        --target agora-auth agora-product agora-order agora-mail agora-gateway \
    && cp /tmp/sources.sha1 build/release/sources.sha1 \
    && mkdir -p /out && cp build/release/services/*/agora-* /out/

FROM ${BASE} AS runtime
COPY deploy/swarm/images/apt-pinned deploy/swarm/images/versions.txt /usr/local/lib/agora/
RUN /usr/local/lib/agora/apt-pinned ca-certificates libboost-json1.81.0 libboost-url1.81.0 libcurl4 \
        libhiredis0.14 libmimalloc2.0 libpq5 libprometheus-cpp-core1.0 librabbitmq4 librdkafka1 libsodium23 \
        libspdlog1.10 libssl3 zlib1g \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin agora
COPY deploy/swarm/images/ready /usr/local/bin/ready
USER agora
ENV AGORA_THREADS=1 AGORA_LOG_LEVEL=info
ARG AGORA_COMMIT=unknown
LABEL org.opencontainers.image.title="Agora" org.opencontainers.image.revision="${AGORA_COMMIT}" \
      org.opencontainers.image.source="deploy/swarm/images/services.Dockerfile"

FROM runtime AS auth
COPY --from=build /out/agora-auth /usr/local/bin/
ENV AUTH_PORT=8002 READY_PORT=8002
EXPOSE 8002
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 CMD ["ready"]
ENTRYPOINT ["agora-auth"]

FROM runtime AS product
COPY --from=build /out/agora-product /usr/local/bin/
ENV PRODUCT_PORT=8001 READY_PORT=8001
EXPOSE 8001
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 CMD ["ready"]
ENTRYPOINT ["agora-product"]

FROM runtime AS order
COPY --from=build /out/agora-order /usr/local/bin/
ENV ORDER_PORT=8003 READY_PORT=8003
EXPOSE 8003
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 CMD ["ready"]
ENTRYPOINT ["agora-order"]

FROM runtime AS mail
COPY --from=build /out/agora-mail /usr/local/bin/
ENV MAIL_PORT=8004 READY_PORT=8004
EXPOSE 8004
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 CMD ["ready"]
ENTRYPOINT ["agora-mail"]

FROM runtime AS gateway
COPY --from=build /out/agora-gateway /usr/local/bin/
ENV GATEWAY_PORT=8000 GATEWAY_METRICS_PORT=8005 READY_PORT=8000
EXPOSE 8000 8005
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 CMD ["ready"]
ENTRYPOINT ["agora-gateway"]
