{{ staging_collection('post', 'instagram') }}
