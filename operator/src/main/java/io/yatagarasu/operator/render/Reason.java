package io.yatagarasu.operator.render;

/** Why a bucket condition has its status; the name is the condition's {@code reason}. */
public enum Reason {
  /** Accepted=True: the bucket is valid, allowed and owns its prefix. */
  Accepted,
  /** Accepted=False: an older bucket of the fleet already serves the same prefix. */
  PrefixConflict,
  /** Accepted=False: the fleet's bucketNamespaces does not admit the bucket's namespace. */
  NotAllowed,
  /** Accepted=False: the referenced S3ProxyConfig does not exist. */
  ProxyNotFound,
  /** Accepted=False: a field breaks a rule of the configuration contract. */
  Invalid,
  /**
   * Accepted=False: the spec has fields this operator version does not know, inside a block where
   * ignoring them could weaken access control (see VersionSkew).
   */
  UnknownFields,
  /** Accepted=False: a value this operator version cannot read (a wrong type, an unknown enum). */
  Unreadable,
  /** Programmed=False: the S3ProxyConfig's own settings are invalid, so there is no snapshot. */
  FleetInvalid,
  /** Accepted=Unknown: the fleet has not rendered the bucket yet. */
  Pending,
  /** ResolvedRefs=True: every referenced Secret and key exists. */
  ResolvedRefs,
  /** ResolvedRefs=False: the referenced Secret does not exist. */
  SecretNotFound,
  /** ResolvedRefs=False: the Secret lacks a referenced key, or its value is empty. */
  SecretKeyMissing,
  /** ResolvedRefs=False: the Secret exists but is not labelled for the operator to read. */
  SecretNotLabelled
}
