-- Directory users' custom attributes, mapped like single sign-on's: the IT admin picks, per
-- custom attribute the vendor declared (`PUT /api/v1/custom_attributes`), the SCIM attribute
-- path it is read from (`title`, `name.formatted`, `addresses[type eq "work"].country`,
-- `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter`).
--
-- JSON object: custom attribute name -> SCIM attribute path. `""` records that the admin chose
-- "not mapped", so a default suggestion (a name such as `department` or `title`) no longer
-- applies; a name absent from the object keeps its default suggestion, if it has one.
ALTER TABLE directories ADD COLUMN attribute_mapping TEXT NOT NULL DEFAULT '{}';
