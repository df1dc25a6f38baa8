# The servers the stack runs beside Agora's services, one target each, all from the Debian base image:
#   docker build -f infra.Dockerfile --target postgres -t agora/postgres:<tag> <context>
# The context is made by deploy/swarm/build.sh: this folder's scripts, versions.txt, and the tools this
# machine's install step built (Mailpit, Jaeger, VictoriaLogs) or fetched (Kafka's jars).
ARG BASE=agora/debian:bookworm

FROM ${BASE} AS debian
COPY apt-pinned versions.txt /usr/local/lib/agora/
ARG AGORA_COMMIT=unknown
LABEL org.opencontainers.image.title="Agora" org.opencontainers.image.revision="${AGORA_COMMIT}"

FROM debian AS postgres
# Debian's package would make and start a cluster of its own; the entrypoint makes the one we use.
RUN mkdir -p /etc/postgresql-common && echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf \
    && /usr/local/lib/agora/apt-pinned postgresql-15 \
    && mkdir -p /var/lib/postgresql/data /run/postgresql && chown -R postgres /var/lib/postgresql /run/postgresql
COPY postgres-entrypoint postgres-databases /usr/local/bin/
USER postgres
ENV PGDATA=/var/lib/postgresql/data
VOLUME /var/lib/postgresql/data
EXPOSE 5432
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s CMD ["/usr/lib/postgresql/15/bin/pg_isready", "-q", "-h", "127.0.0.1"]
ENTRYPOINT ["postgres-entrypoint"]

# A member of the replicated PostgreSQL cluster: PostgreSQL run by Patroni, which holds its leader lock in
# etcd (deploy/swarm/replicated/postgres.yml, docs/adr/0017-replicated-postgresql.md). etcdctl lets the
# entrypoint hand over a lock it still holds from before a crash.
FROM debian AS patroni
RUN mkdir -p /etc/postgresql-common && echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf \
    && /usr/local/lib/agora/apt-pinned postgresql-15 patroni etcd-client \
    && mkdir -p /var/lib/postgresql/data /run/postgresql && chown -R postgres /var/lib/postgresql /run/postgresql
COPY patroni-entrypoint postgres-databases /usr/local/bin/
USER postgres
VOLUME /var/lib/postgresql/data
EXPOSE 5432 8008
# Patroni's /health answers 200 while its PostgreSQL runs, as primary or replica (OPTIONS: the status
# alone, which is all the check reads).
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=5 CMD ["bash", "-c", \
    "exec 3<>/dev/tcp/127.0.0.1/8008 && printf 'OPTIONS /health HTTP/1.0\\r\\n\\r\\n' >&3 && read -r -t 2 _ s _ <&3 && [[ $s == 200 ]]"]
ENTRYPOINT ["patroni-entrypoint"]

# A member of the etcd cluster that Patroni keeps its leader lock and configuration in. Its settings come
# from ETCD_* variables (deploy/swarm/replicated/postgres.yml).
FROM debian AS etcd
RUN /usr/local/lib/agora/apt-pinned etcd-server && mkdir -p /var/lib/etcd && chown etcd /var/lib/etcd
USER etcd
VOLUME /var/lib/etcd
EXPOSE 2379 2380
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/2379"]
ENTRYPOINT ["etcd"]

FROM debian AS redis
RUN /usr/local/lib/agora/apt-pinned redis-server prometheus-redis-exporter && mkdir -p /data && chown redis /data
# A node of the replicated tier's Redis Cluster runs `redis-cluster serve` instead (replicated/redis.yml),
# with the exporter beside it.
COPY redis-cluster /usr/local/bin/
USER redis
VOLUME /data
EXPOSE 6379
HEALTHCHECK --interval=5s --timeout=3s CMD ["redis-cli", "ping"]
ENTRYPOINT ["redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--dir", "/data", "--appendonly", "yes", "--logfile", ""]

FROM debian AS rabbitmq
RUN /usr/local/lib/agora/apt-pinned rabbitmq-server \
    && mkdir -p /var/lib/rabbitmq /etc/rabbitmq && chown -R rabbitmq /var/lib/rabbitmq /etc/rabbitmq \
    && echo '[rabbitmq_management,rabbitmq_prometheus].' >/etc/rabbitmq/enabled_plugins
COPY rabbitmq-entrypoint /usr/local/bin/
USER rabbitmq
ENV HOME=/var/lib/rabbitmq RABBITMQ_LOGS=- RABBITMQ_CONFIG_FILE=/var/lib/rabbitmq/rabbitmq.conf
VOLUME /var/lib/rabbitmq
EXPOSE 5672 15672 15692
# Healthy once it serves clients as a member of its cluster (its AMQP port accepts: a node paused in a
# minority closes it), or while a whole cluster starts (rabbitmq-entrypoint says why). A connect, not
# rabbitmq-diagnostics: that starts an Erlang VM, 0.7 s of a core at every check of every node.
HEALTHCHECK --interval=10s --timeout=8s --start-period=60s CMD ["bash", "-c", "test -e /tmp/rabbitmq-cold-start || { test -e /tmp/rabbitmq-member && exec 3<>/dev/tcp/127.0.0.1/5672; }"]
ENTRYPOINT ["rabbitmq-entrypoint"]

FROM debian AS kafka
RUN /usr/local/lib/agora/apt-pinned openjdk-17-jre-headless \
    && useradd --system --uid 10002 --home-dir /var/lib/kafka --shell /usr/sbin/nologin kafka \
    && mkdir -p /var/lib/kafka && chown kafka /var/lib/kafka
COPY kafka/libs /opt/kafka/libs
COPY kafka/agent /opt/kafka/agent
COPY kafka-entrypoint /usr/local/bin/
COPY kafka-log4j2.properties /opt/kafka/log4j2.properties
COPY kafka-metrics.yaml /opt/kafka/metrics.yaml
USER kafka
VOLUME /var/lib/kafka
EXPOSE 9092 7071
# Healthy once its topics are ready, or while a whole cluster starts (kafka-entrypoint says why).
HEALTHCHECK --interval=5s --timeout=3s --start-period=90s CMD ["bash", "-c", "test -e /tmp/kafka-topics-ready || test -e /tmp/kafka-cold-start"]
ENTRYPOINT ["kafka-entrypoint"]

FROM debian AS haproxy
RUN /usr/local/lib/agora/apt-pinned haproxy
USER haproxy
EXPOSE 8000 8404
HEALTHCHECK --interval=5s --timeout=3s CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8404"]
ENTRYPOINT ["haproxy", "-W", "-db", "-f", "/etc/haproxy/haproxy.cfg"]

# pgpool-II, measured against the router above by bench/postgres-router.sh (docs/adr/0017); no stack
# runs it. Its configuration is mounted by the benchmark.
FROM debian AS pgpool
RUN /usr/local/lib/agora/apt-pinned pgpool2
USER postgres
EXPOSE 9999
ENTRYPOINT ["pgpool", "-n", "-f", "/etc/pgpool-bench/pgpool.conf", "-F", "/etc/pgpool-bench/pcp.conf", "-a", "/etc/pgpool-bench/pool_hba.conf"]

FROM debian AS prometheus
RUN /usr/local/lib/agora/apt-pinned prometheus && mkdir -p /prometheus && chown prometheus /prometheus
USER prometheus
VOLUME /prometheus
EXPOSE 9090
ENTRYPOINT ["prometheus", "--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", \
            "--storage.tsdb.retention.time=7d", "--web.listen-address=0.0.0.0:9090", \
            "--web.console.templates=/usr/share/prometheus/consoles", \
            "--web.console.libraries=/usr/share/prometheus/console_libraries"]

FROM debian AS tools
RUN useradd --system --uid 10003 --home-dir /data --shell /usr/sbin/nologin tools \
    && mkdir -p /data && chown tools /data
COPY bin/mailpit bin/jaeger bin/victoria-logs /usr/local/bin/
USER tools
WORKDIR /data
VOLUME /data
