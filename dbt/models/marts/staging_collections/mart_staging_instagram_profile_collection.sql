{{ staging_collection('profile', 'instagram') }}
