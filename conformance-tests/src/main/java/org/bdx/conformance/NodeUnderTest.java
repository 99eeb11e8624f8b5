package org.bdx.conformance;

/**
 * What an implementation gives the suite (spec CONF-1).
 *
 * @param endpoint client and admin API, {@code HOST:PORT}, plaintext gRPC
 * @param adminToken the admin credential (ADM-1), also accepted by the client API (CONF-2)
 * @param federationEndpoint the federation endpoint {@code HOST:PORT}, or null: the federation
 *     checks are then skipped
 * @param listenHost where the suite's own partner nodes listen; the node under test must reach it
 */
public record NodeUnderTest(
    String endpoint, String adminToken, String federationEndpoint, String listenHost) {}
