"""The shared layer under the stages: small typed helpers every stage may use, importing no stage."""
