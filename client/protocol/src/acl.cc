#include "ossup/protocol/acl.h"

#include "ossup/protocol/name_table.h"

namespace ossup::protocol {
namespace {

constexpr NameTable<CannedAcl, 4> kNames = {{
    {CannedAcl::kDefault, "default"},
    {CannedAcl::kPrivate, "private"},
    {CannedAcl::kPublicRead, "public-read"},
    {CannedAcl::kPublicReadWrite, "public-read-write"},
}};

}  // namespace

std::string_view CannedAclName(CannedAcl acl) { return LookupName(kNames, acl, "default"); }

std::optional<CannedAcl> CannedAclFromName(std::string_view name) {
  return LookupValue(kNames, name);
}

bool AllowsAnonymousRead(CannedAcl object_acl, CannedAcl bucket_acl) {
  const CannedAcl effective = object_acl == CannedAcl::kDefault ? bucket_acl : object_acl;
  switch (effective) {
    case CannedAcl::kPublicRead:
    case CannedAcl::kPublicReadWrite:
      return true;
    case CannedAcl::kDefault:
    case CannedAcl::kPrivate:
      return false;
  }
  return false;
}

bool AllowsAnonymousWrite(CannedAcl bucket_acl) {
  return bucket_acl == CannedAcl::kPublicReadWrite;
}

}  // namespace ossup::protocol
