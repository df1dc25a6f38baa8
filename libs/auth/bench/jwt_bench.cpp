// Cost of issuing and checking access tokens: verify runs on every authenticated request at the gateway.
#include <benchmark/benchmark.h>

#include "auth/jwt.hpp"

namespace agora::auth {
namespace {

using namespace std::chrono_literals;

struct Fixture {
    SigningKey key = *SigningKey::generate();
    KeySet keys{{key.public_key()}};
    Claims claims = new_claims("agora", 123456, "someone@example.com", Role::kCustomer, clock::now(), 24h);
    std::string token = jwt::sign(claims, key);
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

void BM_Sign(benchmark::State& state) {
    auto& f = fixture();
    for (auto _ : state) benchmark::DoNotOptimize(jwt::sign(f.claims, f.key));
}
BENCHMARK(BM_Sign)->ThreadRange(1, 2);

void BM_Verify(benchmark::State& state) {
    auto& f = fixture();
    auto now = clock::now();
    for (auto _ : state) {
        auto claims = jwt::verify(f.token, f.keys, now, "agora");
        if (!claims) state.SkipWithError("refused");
        benchmark::DoNotOptimize(claims);
    }
}
BENCHMARK(BM_Verify)->ThreadRange(1, 2);

// A refusal that stops before the signature check: what garbage costs the gateway.
void BM_RefuseUnknownKid(benchmark::State& state) {
    auto& f = fixture();
    KeySet empty;
    auto now = clock::now();
    for (auto _ : state) benchmark::DoNotOptimize(jwt::verify(f.token, empty, now, "agora"));
}
BENCHMARK(BM_RefuseUnknownKid);

}  // namespace
}  // namespace agora::auth
